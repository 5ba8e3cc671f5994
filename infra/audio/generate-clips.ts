/**
 * Generates the default Persian clip pack offline (not in CI):
 *   apt-get update && apt-get install -y espeak-ng sox
 *   npm run generate-clips            only clips that are missing or whose text changed
 *   npm run generate-clips -- --all   every clip (overwrites recordings dropped in by hand)
 * Writes infra/audio/clips/fa/<key>.wav (8 kHz mono mu-law WAV, normalised to -1 dBFS,
 * silence trimmed so words join up) and manifest.json (key → exact transcript). Run it after
 * adding or rewording a Persian prompt: the clip pack test fails until the pack matches.
 * Professional recordings replace the pack by dropping files with the same keys in the
 * same format and keeping manifest.json's texts true to what each file says.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { persianClipTexts, type ClipManifest } from '../../lib/speech/clip-pack';

export const CLIP_DIR = resolve(__dirname, 'clips', 'fa');
export const CLIP_FORMAT = 'wav, 8000 Hz, mono, mu-law';

// Trim leading and trailing silence (sox trims the front; reverse twice for the end), then a
// short tail so consecutive <Play> clips are not glued together.
const TRIM = ['silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'pad', '0', '0.06'];

function previousTexts(): Record<string, string> {
  const path = join(CLIP_DIR, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClipManifest).clips : {};
}

function generate(all: boolean): void {
  const texts = persianClipTexts();
  const previous = previousTexts();
  const work = mkdtempSync(join(tmpdir(), 'clips-'));
  mkdirSync(CLIP_DIR, { recursive: true });
  let written = 0;
  try {
    for (const [key, text] of Object.entries(texts)) {
      if (!all && previous[key] === text && existsSync(join(CLIP_DIR, `${key}.wav`))) continue;
      written += 1;
      const raw = join(work, `${key}.wav`);
      // -s 150 words/min: espeak's default is fast for a phone line.
      execFileSync('espeak-ng', ['-v', 'fa', '-s', '150', '-w', raw, text]);
      // -R: repeatable output (no random dither), so regenerating an unchanged clip changes no bytes.
      execFileSync('sox', ['-R', raw, '-r', '8000', '-c', '1', '-e', 'mu-law', join(CLIP_DIR, `${key}.wav`), ...TRIM, 'gain', '-n', '-1']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const manifest: ClipManifest = { language: 'fa', format: CLIP_FORMAT, clips: texts };
  writeFileSync(join(CLIP_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const key of Object.keys(previous)) if (!(key in texts)) rmSync(join(CLIP_DIR, `${key}.wav`), { force: true });
  console.log(`wrote ${written} of ${Object.keys(texts).length} clips and manifest.json to ${CLIP_DIR}`);
}

if (require.main === module) generate(process.argv.includes('--all'));
