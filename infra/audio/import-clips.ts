/**
 * `npm run clips:import -- <folder>`: replaces the Persian clip pack with professional
 * recordings named `<key>.wav` (every key of `npm run clips:script`; WAV in PCM, mu-law or
 * A-law at any sample rate, mono or stereo). Each is made telephone-ready on the way in
 * (8 kHz mono mu-law, silence trimmed, the loudness target, faded edges) and manifest.json is
 * rewritten with the script's texts and the new hashes. Nothing is written unless every key
 * is there and every file reads.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { persianClipTexts } from '../../lib/speech/clip-pack';
import { DEFAULT_FINISH, finishWav } from '../../lib/speech/telephone-audio';
import { CLIP_DIR, writeManifest } from './clip-pack-files';

export interface ImportReport {
  readonly imported: number;
  readonly ignored: readonly string[];
}

export function importClips(folder: string, clipDir = CLIP_DIR): ImportReport {
  const texts = persianClipTexts();
  const missing = Object.keys(texts).filter((key) => !existsSync(join(folder, `${key}.wav`)));
  if (missing.length > 0) throw new Error(`missing recordings (${missing.length}): ${missing.map((k) => `${k}.wav`).join(', ')}`);
  const converted = new Map<string, Uint8Array>();
  for (const key of Object.keys(texts)) {
    try {
      converted.set(key, finishWav(new Uint8Array(readFileSync(join(folder, `${key}.wav`))), DEFAULT_FINISH));
    } catch (error) {
      throw new Error(`${key}.wav: ${(error as Error).message} (export it as WAV: PCM, mu-law or A-law)`);
    }
  }
  for (const [key, bytes] of converted) writeFileSync(join(clipDir, `${key}.wav`), bytes);
  writeManifest(texts, clipDir, 'recordings');
  const ignored = readdirSync(folder).filter((file) => !(file.replace(/\.wav$/, '') in texts));
  return { imported: converted.size, ignored };
}

if (require.main === module) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: npm run clips:import -- <folder with <key>.wav files>');
    process.exit(2);
  }
  try {
    const report = importClips(folder);
    console.log(`imported ${report.imported} recordings into ${CLIP_DIR}${report.ignored.length ? `; ignored ${report.ignored.join(', ')}` : ''}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
