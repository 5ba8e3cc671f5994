import type { CallOutcome } from './call-log-entry';
import type { CardPaymentState } from './card-payment';
import type { Customer } from './customer';
import type { CurrencyCode } from './money';
import type { PaymentLinkOutcome } from './payment-link';

/** The gather a session is waiting for; 'done' once the call was handed on. */
export type Step = 'entry' | GatherStep | 'done';
/**
 * Balance: mobile, item, confirm, pay-offer (press 2 to pay by card) and pay (the <Pay> action,
 * answered like a gather). Customer club: customer-number, password.
 */
export const GATHER_STEPS = ['mobile', 'item', 'confirm', 'pay-offer', 'pay', 'customer-number', 'password'] as const;
export type GatherStep = (typeof GATHER_STEPS)[number];

/** An identified caller passed from one module to the next inside the stored session. */
export interface Handover {
  readonly to: string;
  readonly fromModule: string;
  readonly customer: Customer;
}

/** Per-call state, stored in DynamoDB keyed by CallSid. */
export interface Session {
  readonly callSid: string;
  readonly moduleCode: string;
  readonly from: string;
  readonly to: string;
  readonly step: Step;
  /** Incremented by every processed request; gather URLs carry it so retries are recognised. */
  readonly turn: number;
  /** Failed attempts at the current gather. */
  readonly attempts: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly customer?: Customer;
  readonly identifiedBy?: 'caller' | 'mobile' | 'handover' | 'customer-number' | 'password';
  /** Customer club: the customer number typed (prefix included), kept between the number and password gathers. */
  readonly customerNumber?: string;
  readonly mobile?: string;
  /** In the minor unit of `currency` (absent in sessions from before currencies: rials). */
  readonly balance?: { readonly owed: number; readonly credit: number; readonly currency?: CurrencyCode };
  /** The item the caller chose to pay (askItemNumber), amount in the balance's minor unit. */
  readonly item?: { readonly number: string; readonly amount: number };
  /** What became of this call's payment link; kept so the flow never asks for it twice. */
  readonly paymentLink?: PaymentLinkOutcome;
  /** Card payment in the call: chosen, the charge of the <Pay>, and once settled what was paid. */
  readonly card?: CardPaymentState;
  readonly outcome?: CallOutcome;
  readonly reason?: string;
  readonly destination?: string;
  readonly handover?: Handover;
  /** Steps this call went through, in order ("entry", "mobile", ...), for the call log. */
  readonly trail: readonly string[];
  /** The TwiML answered for `turn`, replayed when the same request arrives again. */
  readonly lastResponse?: { readonly turn: number; readonly step: string; readonly twiml: string };
  /** Epoch seconds; DynamoDB's TTL removes abandoned sessions. */
  readonly expiresAt: number;
}
