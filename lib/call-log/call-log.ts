/** Port: writing and reading the call log (adapter: dynamo-call-log.ts). */
import type { CallLogEntry, CallLogPage, CallLogQuery, OutcomesPerDay } from '../domain/call-log-entry';

export interface CallLog {
  /** Writes the call's entry, keeping what was added to it meanwhile (a payment's refund flag). */
  record(entry: CallLogEntry): Promise<void>;
  get(callSid: string): Promise<CallLogEntry | undefined>;
}

/** The payment side of the call log: a call whose payment link was paid for a debt already settled says so. */
export interface CallPaymentFlags {
  /** Adds `paymentId` to the call's `refundNeeded` list once, whether or not the call has ended yet. */
  flagRefundNeeded(callSid: string, paymentId: string): Promise<void>;
}

/** Reading the call log for operators, newest first. */
export interface CallLogSearch {
  search(query: CallLogQuery): Promise<CallLogPage>;
  outcomesPerDay(query: Omit<CallLogQuery, 'limit' | 'cursor' | 'outcome'>): Promise<OutcomesPerDay>;
}
