/**
 * `npm run clips:script [-- <file.csv>]`: the voice artist's script for a professional Persian
 * pack: every clip key, the exact text to say and what it is used for (UTF-8 CSV with a BOM so
 * spreadsheet programs show Persian). Record each row as `<key>.wav`, then
 * `npm run clips:import -- <folder>`.
 */
import { writeFileSync } from 'node:fs';
import { clipUse, persianClipTexts } from '../../lib/speech/clip-pack';

const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export function clipScriptCsv(): string {
  const rows = Object.entries(persianClipTexts()).map(([key, text]) => [key, text, clipUse(key), `${key}.wav`]);
  return `\uFEFF${[['key', 'text', 'use', 'file'], ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

if (require.main === module) {
  const out = process.argv[2] ?? 'clips-script-fa.csv';
  writeFileSync(out, clipScriptCsv());
  console.log(`wrote ${Object.keys(persianClipTexts()).length} rows to ${out}`);
}
