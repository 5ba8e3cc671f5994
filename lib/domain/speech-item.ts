/** What a caller should hear (prompts, amounts) and how it reaches TwiML (<Say> or <Play>). */
import type { PromptKey } from '../config/module-schema';

/** One piece of audio for TwiML: a <Say> or a <Play>. */
export type SpeechSegment =
  | { readonly kind: 'say'; readonly text: string; readonly voice: string; readonly language: string }
  | { readonly kind: 'play'; readonly url: string; readonly transcript: string };

/** What the flow wants said; the Speech port decides how it is heard. */
export type SpeechItem =
  | { readonly prompt: PromptKey }
  | { readonly amount: number; readonly unit: 'rial' | 'toman' };
