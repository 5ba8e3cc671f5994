/** Port: what a caller hears for prompts and amounts (adapter: catalogue-speech.ts). */
import type { Language, PromptKey, PromptOverride } from '../config/module-schema';
import type { SpeechItem, SpeechSegment } from '../domain/speech-item';

export interface Speech {
  render(items: readonly SpeechItem[], module: { language: Language; prompts: Partial<Record<PromptKey, PromptOverride>> }): Promise<SpeechSegment[]>;
}
