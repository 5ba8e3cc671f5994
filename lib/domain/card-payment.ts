/**
 * Card payment inside the call (Twilio <Pay>): what the caller pays, what Twilio reports back
 * to the `<Pay>` action, and the card as far as this product may ever hold it (its last four
 * digits). The card number and security code go from the caller's keypad to Twilio's Pay
 * connector; what reaches our webhooks is masked by Twilio, and is masked again here so that
 * nothing stored or logged could hold more even if it were not.
 */
import type { InvoiceType } from '../config/module-constants';
import { parseTextAmount, type CurrencyCode } from './money';

/** What one <Pay> charges: the exact amount owed (or one item's), taken from the session, never from a request. */
export interface CardCharge {
  /** Minor units of `currency` (cents). */
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** Item numbers this payment settles (an item payment), else empty (the account balance). */
  readonly items: readonly string[];
  readonly moneyAccount?: string;
}

/** A settled card payment as the session and the call log keep it. */
export interface CardPaid {
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly confirmationCode: string;
  /** Last four digits only, e.g. `****4242`. */
  readonly maskedCard?: string;
}

/** The caller's card payment during one module visit. */
export interface CardPaymentState {
  /** Pressed 2 at the offer (an item payment then asks for the item number first). */
  readonly chosen?: boolean;
  /** The <Pay> the caller is in (or was last in): retries charge the same. */
  readonly charge?: CardCharge;
  readonly paid?: CardPaid;
}

/** `Result` values of the <Pay> action (twilio.com/docs/voice/twiml/pay). */
export const PAY_RESULTS = [
  'success',
  'too-many-failed-attempts',
  'payment-connector-error',
  'caller-interrupted-with-star',
  'caller-hung-up',
  'validation-error',
  'internal-error',
] as const;
export type PayResult = (typeof PAY_RESULTS)[number];

/** What the <Pay> action request reports, reduced to what the flow may use. No card data beyond the last four digits. */
export interface PayReport {
  /** One of PAY_RESULTS, or `unknown` for anything else (or nothing). */
  readonly result: PayResult | 'unknown';
  readonly confirmationCode?: string;
  readonly maskedCard?: string;
  readonly cardType?: string;
  /** PaymentError: Twilio's human-readable detail ("card is declined", "invalid-date"). */
  readonly error?: string;
  /** PayErrorCode: Twilio's numeric error code. */
  readonly errorCode?: string;
  /** ConnectorError: the payment platform's own code ("card_declined"). */
  readonly connectorError?: string;
  /** ChargeAmount / Currency, when a request carries them: checked against the session, never used. */
  readonly chargeAmount?: string;
  readonly currency?: string;
}

const CONFIRMATION_CODE = /^[A-Za-z0-9_.:-]{1,128}$/;
const CARD_TYPE = /^[a-z-]{2,20}$/;

/** The <Pay> action's parameters as a PayReport; values that do not look like Twilio's are dropped. */
export function readPayReport(params: Readonly<Record<string, string>>): PayReport {
  const result = (PAY_RESULTS as readonly string[]).includes(params.Result ?? '') ? (params.Result as PayResult) : 'unknown';
  const code = params.PaymentConfirmationCode?.trim();
  const masked = maskCard(params.PaymentCardNumber);
  const text = (value: string | undefined) => (value ? value.slice(0, 100) : undefined);
  return {
    result,
    ...(code && CONFIRMATION_CODE.test(code) ? { confirmationCode: code } : {}),
    ...(masked ? { maskedCard: masked } : {}),
    ...(params.PaymentCardType && CARD_TYPE.test(params.PaymentCardType) ? { cardType: params.PaymentCardType } : {}),
    ...(text(params.PaymentError) ? { error: text(params.PaymentError) } : {}),
    ...(params.PayErrorCode && /^\d{1,6}$/.test(params.PayErrorCode) ? { errorCode: params.PayErrorCode } : {}),
    ...(text(params.ConnectorError) ? { connectorError: text(params.ConnectorError) } : {}),
    ...(params.ChargeAmount !== undefined ? { chargeAmount: params.ChargeAmount.slice(0, 40) } : {}),
    ...(params.Currency !== undefined ? { currency: params.Currency.slice(0, 10) } : {}),
  };
}

/**
 * A card number as this product keeps it: `****` and its last four digits, whatever arrived
 * (Twilio sends `xxxx-xxxxxx-x4001`; a full number, were it ever sent, keeps only its last four).
 * Undefined when there are fewer than four digits.
 */
export function maskCard(raw: string | undefined): string | undefined {
  const digits = (raw ?? '').replace(/\D/g, '');
  return digits.length >= 4 ? `****${digits.slice(-4)}` : undefined;
}

/**
 * Whether a request's ChargeAmount and Currency (when it carries them) are the session's:
 * the charge is always the session's, and a request that says otherwise was not Twilio's answer
 * to this <Pay>.
 */
export function reportMatchesCharge(report: PayReport, charge: CardCharge): boolean {
  if (report.currency !== undefined && report.currency.toUpperCase() !== charge.currency) return false;
  if (report.chargeAmount === undefined) return true;
  const read = parseTextAmount(report.chargeAmount, charge.currency, { signed: false, decimals: 'zero-padded' });
  return read.ok && read.minor === charge.amount;
}

/** An input timeout ends a <Pay> as too many failed attempts; PaymentError says it was the timeout. */
export function isInputTimeout(report: PayReport): boolean {
  return /timeout/i.test(report.error ?? '');
}

/** A successful <Pay> to record: who paid what in which call, keyed by the gateway's confirmation code. */
export interface CardPaymentToSettle {
  readonly confirmationCode: string;
  readonly customerId: string;
  readonly callSid: string;
  readonly moduleCode: string;
  /** The item type an item payment settles (the module's invoice type). */
  readonly invoiceType: InvoiceType;
  readonly charge: CardCharge;
  readonly maskedCard?: string;
}

/**
 * What recording a card payment came to: recorded now, recorded before by this same call (a
 * retried or concurrent delivery), the confirmation code already recorded for another call or
 * customer (nothing recorded), or the write failed.
 */
export type CardSettlement =
  | { readonly status: 'settled' | 'already-settled' }
  | { readonly status: 'conflict' }
  | { readonly status: 'failed'; readonly reason: string };
