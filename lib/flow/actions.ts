import type { CardPaymentMethod } from '../config/module-constants';
import type { SpeechItem } from '../domain/speech-item';

/** The card entry steps a <Pay> <Prompt> can replace (twilio.com/docs/voice/twiml/pay/prompt). */
export type PayPromptFor = 'payment-card-number' | 'expiration-date' | 'security-code' | 'postal-code' | 'payment-processing';
export type PayErrorType = 'timeout' | 'invalid-card-number' | 'invalid-card-type' | 'invalid-date' | 'invalid-security-code';

/** One <Prompt> of a <Pay>: what the caller hears at a card step, or after an error at it. */
export interface PayPrompt {
  readonly for: PayPromptFor;
  readonly errorType?: readonly PayErrorType[];
  readonly items: readonly SpeechItem[];
}

/** A Twilio <Pay>: the caller types the card on the keypad, Twilio charges it through the connector. */
export interface PayAction {
  readonly kind: 'pay';
  readonly action: string;
  readonly statusCallback: string;
  readonly connector: string;
  /** The exact amount in major units as a decimal string ("12.50"), from money.ts. */
  readonly chargeAmount: string;
  /** ISO 4217, lower case as in Twilio's examples ("usd"). */
  readonly currency: string;
  readonly paymentMethod: CardPaymentMethod;
  readonly postalCode: boolean;
  readonly securityCode: boolean;
  readonly maxAttempts: number;
  readonly timeoutSeconds: number;
  readonly description: string;
  /** Twilio's own prompts' language where one is spoken; absent for Persian (every prompt is ours). */
  readonly language?: 'en-US';
  readonly prompts: readonly PayPrompt[];
}

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
  | PayAction
  | { readonly kind: 'hangup' };

/** Side effects the handler performs after the session is stored. */
export type Effect = { readonly kind: 'metric'; readonly name: string; readonly dimensions: Readonly<Record<string, string>> };
