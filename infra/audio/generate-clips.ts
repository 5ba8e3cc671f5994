/**
 * Generates the default Persian clip pack offline (not in CI):
 *   apt-get update && apt-get install -y espeak-ng sox
 *   npx tsx infra/audio/generate-clips.ts
 * Writes infra/audio/clips/fa/<key>.wav (8 kHz mono mu-law WAV, normalised to -1 dBFS,
 * silence trimmed so words join up) and manifest.json (key → exact transcript).
 * Professional recordings replace the pack by dropping files with the same keys in the
 * same format and keeping manifest.json's texts true to what each file says.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { persianClipTexts, type ClipManifest } from '../../lib/speech/clip-pack';

export const CLIP_DIR = resolve(__dirname, 'clips', 'fa');
export const CLIP_FORMAT = 'wav, 8000 Hz, mono, mu-law';

// Trim leading and trailing silence (sox trims the front; reverse twice for the end), then a
// short tail so consecutive <Play> clips are not glued together.
const TRIM = ['silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'pad', '0', '0.06'];

function generate(): void {
  const texts = persianClipTexts();
  const work = mkdtempSync(join(tmpdir(), 'clips-'));
  mkdirSync(CLIP_DIR, { recursive: true });
  try {
    for (const [key, text] of Object.entries(texts)) {
      const raw = join(work, `${key}.wav`);
      // -s 150 words/min: espeak's default is fast for a phone line.
      execFileSync('espeak-ng', ['-v', 'fa', '-s', '150', '-w', raw, text]);
      execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-e', 'mu-law', join(CLIP_DIR, `${key}.wav`), ...TRIM, 'gain', '-n', '-1']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const manifest: ClipManifest = { language: 'fa', format: CLIP_FORMAT, clips: texts };
  writeFileSync(join(CLIP_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${Object.keys(texts).length} clips and manifest.json to ${CLIP_DIR}`);
}

if (require.main === module) generate();
