/** Port: writing and reading the call log (adapter: dynamo-call-log.ts). */
import type { CallLogEntry, CallLogPage, CallLogQuery, OutcomesPerDay } from '../domain/call-log-entry';

export interface CallLog {
  record(entry: CallLogEntry): Promise<void>;
  get(callSid: string): Promise<CallLogEntry | undefined>;
}

/** Reading the call log for operators, newest first. */
export interface CallLogSearch {
  search(query: CallLogQuery): Promise<CallLogPage>;
  outcomesPerDay(query: Omit<CallLogQuery, 'limit' | 'cursor' | 'outcome'>): Promise<OutcomesPerDay>;
}
