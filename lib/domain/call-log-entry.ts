/** How a call ended, as the call log keeps it and the panel reads it. */
import type { CardPaid } from './card-payment';
import type { CurrencyCode } from './money';

/** `paid-in-call`: the caller paid by card during the call (Twilio <Pay>) and was handed to the next destination. */
export type CallOutcome = 'next' | 'error' | 'no-debt' | 'paid-in-call' | 'abandoned' | 'failed';

export interface CallLogEntry {
  readonly callSid: string;
  readonly moduleCode: string;
  readonly from: string;
  readonly to: string;
  readonly outcome: CallOutcome;
  readonly reason?: string;
  readonly lastStep: string;
  readonly callStatus: string;
  readonly durationSeconds?: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly customerId?: string;
  /** In the minor unit of `currency` (rials, cents). */
  readonly owed?: number;
  readonly currency?: CurrencyCode;
  readonly destination?: string;
  /** The card payment taken in the call: amount, confirmation code and the card's last four digits. */
  readonly paid?: CardPaid;
  /**
   * Payments made through this call's link that a provider took for a debt already settled
   * (ids of the Payments page's records): a refund or credit is needed.
   */
  readonly refundNeeded?: readonly string[];
}

/**
 * What the call log's list shows of a call (the panel's columns): all its indexes project
 * (infra/tables.json), so a search answers these fields only.
 */
export type CallLogRow = Pick<
  CallLogEntry,
  'callSid' | 'moduleCode' | 'from' | 'outcome' | 'reason' | 'owed' | 'currency' | 'paid' | 'refundNeeded' | 'destination' | 'durationSeconds' | 'startedAt'
>;

export interface CallLogQuery {
  readonly moduleCode?: string;
  readonly outcome?: CallOutcome;
  /** Inclusive ISO day bounds (YYYY-MM-DD), UTC. */
  readonly fromDay: string;
  readonly toDay: string;
  readonly limit: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
}

export interface CallLogPage {
  readonly entries: CallLogRow[];
  readonly nextCursor?: string;
}

/** Per day (YYYY-MM-DD), how many calls ended with each outcome. */
export type OutcomesPerDay = Record<string, Partial<Record<CallOutcome, number>>>;
