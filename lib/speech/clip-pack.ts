/**
 * The Persian clip pack: every clip key the Speech adapter can ask for, with the exact text
 * the clip speaks. The generator (infra/audio/generate-clips.ts) records one file per key and
 * the manifest test checks the committed pack against this list.
 */
import { PROMPT_KEYS, type PromptKey } from '../config/module-constants';
import { ALL_PERSIAN_NUMBER_TOKENS, PERSIAN_NUMBER_WORDS, PERSIAN_UNIT_WORDS } from '../domain/amount-words';
import { PROMPT_CATALOGUE } from './prompt-catalogue';

/** Clip key of a catalogue prompt. */
export const promptClipKey = (key: PromptKey): string => `prompt-${key}`;

/** key → transcript for every clip of the Persian pack (number words, units, «و», prompts). */
export function persianClipTexts(): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const key of ALL_PERSIAN_NUMBER_TOKENS) {
    const word = PERSIAN_NUMBER_WORDS[key];
    if (word !== undefined) texts[key] = word;
  }
  for (const [key, word] of Object.entries(PERSIAN_UNIT_WORDS)) texts[key] = word;
  for (const key of PROMPT_KEYS) texts[promptClipKey(key)] = PROMPT_CATALOGUE.fa[key];
  return texts;
}

/** The shape of `manifest.json` in a clip folder; the call simulator reads `clips`. */
export interface ClipManifest {
  readonly language: string;
  readonly format: string;
  /** Who made the pack: the espeak-ng settings, or "recordings" after `npm run clips:import`. */
  readonly source?: string;
  /** key → exact transcript. */
  readonly clips: Readonly<Record<string, string>>;
  /** key → sha256 of the file: joined sentences are named by these, so a replaced clip is a new sentence. */
  readonly hashes?: Readonly<Record<string, string>>;
}

/** What each key is used for, for the voice artist's script (`npm run clips:script`). */
export function clipUse(key: string): string {
  if (key.startsWith('prompt-')) return `prompt "${key.slice('prompt-'.length)}": a whole sentence, read as one`;
  if (key.startsWith('unit-')) return 'currency unit, said after every amount';
  if (key === 'and') return '«و» between the parts of an amount, said on its own';
  if (key.startsWith('scale-')) return 'scale word inside amounts (thousand, million, …), said on its own';
  return 'number word inside amounts, said on its own (joined with the others into one sentence)';
}
