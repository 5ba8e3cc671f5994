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
  readonly clips: Readonly<Record<string, string>>;
}
