/**
 * Call status callback: when Twilio reports that a call ended, the call log gets one
 * record with the outcome the flow reached, or 'abandoned' / 'failed' when it reached none.
 * Only calls this product answered are logged: a CallSid with no session (a call that never
 * reached a module, or one made up) is acknowledged and nothing is written.
 */
import type { AppLogger } from '../observability/logger';
import { maskPhone } from '../domain/phone';
import type { CallLog } from '../call-log/call-log';
import type { CallLogEntry, CallOutcome } from '../domain/call-log-entry';
import type { SessionStore } from './session-store';

const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const NOT_CONNECTED = new Set(['busy', 'failed', 'no-answer', 'canceled']);

export interface StatusDeps {
  readonly sessions: SessionStore;
  readonly callLog: CallLog;
  readonly logger: AppLogger;
  readonly clock?: () => Date;
}

/** Returns the stored entry, or undefined for events that do not end a call or calls it never answered. */
export async function handleStatusCallback(deps: StatusDeps, params: Readonly<Record<string, string>>): Promise<CallLogEntry | undefined> {
  const callSid = params.CallSid ?? '';
  const callStatus = params.CallStatus ?? '';
  if (!callSid || !FINAL_STATUSES.has(callStatus)) return undefined;
  const session = await deps.sessions.get(callSid);
  if (!session) {
    deps.logger.info('status callback for a call without a session; nothing logged', { callSid: callSid.slice(0, 64), callStatus });
    return undefined;
  }
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  let outcome: CallOutcome;
  if (NOT_CONNECTED.has(callStatus)) outcome = 'failed';
  else outcome = session.outcome ?? 'abandoned';
  const duration = Number(params.CallDuration);
  const entry: CallLogEntry = {
    callSid,
    moduleCode: session.moduleCode ?? '',
    from: session.from ?? params.From ?? '',
    to: session.to ?? params.To ?? '',
    outcome,
    ...(session.reason ? { reason: session.reason } : {}),
    lastStep: session.trail[session.trail.length - 1] ?? 'none',
    callStatus,
    ...(Number.isFinite(duration) && duration >= 0 ? { durationSeconds: duration } : {}),
    startedAt: session.startedAt ?? now,
    endedAt: now,
    ...(session.customer ? { customerId: session.customer.id } : {}),
    ...(session.balance ? { owed: session.balance.owed, ...(session.balance.currency ? { currency: session.balance.currency } : {}) } : {}),
    ...(session.destination ? { destination: session.destination } : {}),
    ...(session.card?.paid ? { paid: session.card.paid } : {}),
  };
  await deps.callLog.record(entry);
  deps.logger.info('call ended', { callSid, outcome, lastStep: entry.lastStep, from: maskPhone(entry.from) });
  return entry;
}
