/**
 * Generates the default Persian clip pack offline (not in CI):
 *   apt-get update && apt-get install -y espeak-ng
 *   npm run generate-clips            only clips that are missing or whose text changed
 *   npm run generate-clips -- --all   every clip (overwrites recordings imported by clips:import)
 * Each key is spoken by espeak-ng (settings: ESPEAK_DEFAULTS, compared in README "Speech"),
 * then made telephone-ready by the product's own audio code: 8 kHz mono mu-law, silence
 * trimmed, active speech at the loudness target (so neighbouring words match), edges faded
 * (so joins never click). Writes manifest.json (key → transcript, key → sha256). Run it after
 * adding or rewording a Persian prompt: the clip pack test fails until the pack matches.
 * Professional recordings replace the pack with `npm run clips:import -- <folder>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { persianClipTexts } from '../../lib/speech/clip-pack';
import { espeakArguments, ESPEAK_DEFAULTS } from '../../lib/speech/espeak-synthesizer';
import { DEFAULT_FINISH, finishWav } from '../../lib/speech/telephone-audio';
import { CLIP_DIR, readManifest, writeManifest } from './clip-pack-files';

/**
 * Number words (and «و», the scale words, rial and toman) are spoken faster than the prompts:
 * a word spoken on its own carries espeak's phrase-final lengthening, so at the prompts' rate a
 * joined 15-digit amount crawls (34 words in 15.9 s, 2.1 words/s); at 200 it takes 13.5 s
 * (2.5 words/s). Prompts keep the slower rate: they are whole sentences already.
 */
export const NUMBER_WORD_SPEED = 200;
const isNumberWord = (key: string) => !key.startsWith('prompt-');
const settingsFor = (key: string) => (isNumberWord(key) ? { ...ESPEAK_DEFAULTS, speed: NUMBER_WORD_SPEED } : ESPEAK_DEFAULTS);

export const ESPEAK_SOURCE = `espeak-ng ${espeakArguments(ESPEAK_DEFAULTS.voice, ESPEAK_DEFAULTS).slice(0, -1).join(' ')} (number words -s ${NUMBER_WORD_SPEED})`;

function generate(all: boolean): void {
  const texts = persianClipTexts();
  const previous = readManifest()?.clips ?? {};
  mkdirSync(CLIP_DIR, { recursive: true });
  let written = 0;
  for (const [key, text] of Object.entries(texts)) {
    const file = join(CLIP_DIR, `${key}.wav`);
    if (!all && previous[key] === text && existsSync(file)) continue;
    written += 1;
    const spoken = execFileSync('espeak-ng', espeakArguments(ESPEAK_DEFAULTS.voice, settingsFor(key)), { input: text, maxBuffer: 64 * 1024 * 1024 });
    // Deterministic: unchanged text and settings give the same bytes, so regenerating changes nothing.
    writeFileSync(file, finishWav(new Uint8Array(spoken), DEFAULT_FINISH));
  }
  writeManifest(texts, CLIP_DIR, written > 0 ? ESPEAK_SOURCE : undefined);
  console.log(`wrote ${written} of ${Object.keys(texts).length} clips and manifest.json to ${CLIP_DIR}`);
}

if (require.main === module) generate(process.argv.includes('--all'));
