/** Port: what a caller hears for prompts and amounts (adapter: catalogue-speech.ts). */
import type { Language, PersianVoice, PromptKey, PromptOverride } from '../config/module-schema';
import type { SpeechItem, SpeechSegment } from '../domain/speech-item';

/** What speech needs from a module: its language, prompt overrides and (Persian) voice. */
export interface ModuleSpeech {
  readonly language: Language;
  readonly prompts: Partial<Record<PromptKey, PromptOverride>>;
  /** Persian only; absent = `clips`. */
  readonly voice?: PersianVoice;
}

export interface Speech {
  render(items: readonly SpeechItem[], module: ModuleSpeech): Promise<SpeechSegment[]>;
}
