/**
 * What the Speech port needs from a module: its language and its prompt overrides keyed by
 * catalogue prompt. A club module names its prompts differently (intro, welcome, …): they
 * map onto the club catalogue keys; "don't play" entries are left out (the flow never asks
 * for them).
 */
import { CLUB_PROMPTS, type ClubPromptName, type PromptKey } from '../config/module-constants';
import type { ModuleConfig, PromptOverride } from '../config/module-schema';
import type { Speech } from './speech';

export type SpeechSettings = Parameters<Speech['render']>[1];

export function speechSettings(module: ModuleConfig): SpeechSettings {
  if (module.kind !== 'club') return { language: module.language, prompts: module.prompts };
  const prompts: Partial<Record<PromptKey, PromptOverride>> = {};
  for (const [name, prompt] of Object.entries(module.prompts) as [ClubPromptName, (typeof module.prompts)[ClubPromptName]][]) {
    if (prompt && !('play' in prompt)) prompts[CLUB_PROMPTS[name]] = prompt;
  }
  return { language: module.language, prompts };
}
