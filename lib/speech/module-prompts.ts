/**
 * What the Speech port needs from a module: its language, its Persian voice and its prompt
 * overrides keyed by catalogue prompt. A club module names its prompts differently (intro, welcome, …): they
 * map onto the club catalogue keys; "don't play" entries are left out (the flow never asks
 * for them).
 */
import { CLUB_PROMPTS, type ClubPromptName, type PromptKey } from '../config/module-constants';
import type { ModuleConfig, PromptOverride } from '../config/module-schema';
import type { ModuleSpeech } from './speech';

export type SpeechSettings = ModuleSpeech;

export function speechSettings(module: ModuleConfig): SpeechSettings {
  const voice = module.voice ? { voice: module.voice } : {};
  if (module.kind !== 'club') return { language: module.language, prompts: module.prompts, ...voice };
  const prompts: Partial<Record<PromptKey, PromptOverride>> = {};
  for (const [name, prompt] of Object.entries(module.prompts) as [ClubPromptName, (typeof module.prompts)[ClubPromptName]][]) {
    if (prompt && !('play' in prompt)) prompts[CLUB_PROMPTS[name]] = prompt;
  }
  return { language: module.language, prompts, ...voice };
}
