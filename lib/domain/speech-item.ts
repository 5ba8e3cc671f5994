/** What a caller should hear (prompts, amounts) and how it reaches TwiML (<Say> or <Play>). */
import type { PromptKey } from '../config/module-schema';
import type { ModuleCurrency } from './money';

/** One piece of audio for TwiML: a <Say> or a <Play>. */
export type SpeechSegment =
  | { readonly kind: 'say'; readonly text: string; readonly voice: string; readonly language: string }
  | { readonly kind: 'play'; readonly url: string; readonly transcript: string };

/** What the flow wants said; the Speech port decides how it is heard. */
export type SpeechItem =
  | { readonly prompt: PromptKey }
  /** An amount in the currency's minor unit (rials, cents); money.ts decides how it is said. */
  | { readonly amount: number; readonly currency: ModuleCurrency };
