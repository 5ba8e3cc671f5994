import type { SpeechItem } from '../domain/speech-item';

/** What the caller should hear and do next, independent of TwiML. lib/voice/render-twiml.ts renders it. */
export type Action =
  | { readonly kind: 'say'; readonly items: readonly SpeechItem[] }
  | {
      readonly kind: 'gather';
      readonly action: string;
      readonly items: readonly SpeechItem[];
      readonly timeoutSeconds: number;
      readonly numDigits?: number;
      readonly finishOnKey: string;
    }
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'dial'; readonly target: string; readonly timeoutSeconds?: number }
  | { readonly kind: 'hangup' };

/** Side effects the handler performs after the session is stored. */
export type Effect = { readonly kind: 'metric'; readonly name: string; readonly dimensions: Readonly<Record<string, string>> };
