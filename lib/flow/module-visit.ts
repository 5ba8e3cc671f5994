/**
 * What every module kind's flow shares: entering a module, continuing at a gather,
 * gathering digits and handing the call on to a destination. Pure, like the flows that use it.
 */
import type { Destination, ModuleConfig, PromptKey } from '../config/module-schema';
import type { CallOutcome } from '../domain/call-log-entry';
import type { PayReport } from '../domain/card-payment';
import type { SpeechItem } from '../domain/speech-item';
import type { Action, Effect } from './actions';
import type { GatherStep, Session } from '../domain/session';

export interface VisitContext<M extends ModuleConfig = ModuleConfig> {
  readonly module: M;
  readonly destinations: { readonly next?: Destination; readonly error?: Destination };
  /** Absolute URL of a module's entry webhook. */
  readonly moduleUrl: (code: string) => string;
  /** Absolute URL of this module's gather action for a step at a turn. */
  readonly stepUrl: (step: GatherStep, turn: number) => string;
  readonly now: Date;
  readonly sessionTtlSeconds: number;
}

export interface FlowInput {
  readonly step: 'entry' | GatherStep;
  readonly callSid: string;
  readonly from: string;
  readonly to: string;
  readonly digits?: string;
  /** The <Pay> action's report (step `pay` only). */
  readonly pay?: PayReport;
}

export type Respond = { readonly kind: 'respond'; readonly actions: Action[]; readonly session: Session; readonly effects: Effect[] };

export const p = (prompt: PromptKey): SpeechItem => ({ prompt });

/**
 * A new module visit: keep the call's turn counter and start time, take a handed-over
 * identity only when the stored session names this very module (never from request params).
 */
export function enterModule(ctx: VisitContext, previous: Session | undefined, input: FlowInput): Session {
  const now = ctx.now.toISOString();
  const handover = previous?.handover?.to === ctx.module.code ? previous.handover : undefined;
  return {
    callSid: input.callSid,
    moduleCode: ctx.module.code,
    from: input.from,
    to: input.to,
    step: 'entry',
    turn: (previous?.turn ?? 0) + 1,
    attempts: 0,
    startedAt: previous?.startedAt ?? now,
    updatedAt: now,
    trail: [...(previous?.trail ?? []), `${ctx.module.code}:entry`],
    expiresAt: Math.floor(ctx.now.getTime() / 1000) + ctx.sessionTtlSeconds,
    ...(handover ? { customer: handover.customer, identifiedBy: 'handover' as const } : {}),
  };
}

/** A gather answer: only valid against a session of this module waiting for this step. */
export function continueAt(ctx: VisitContext, previous: Session | undefined, input: FlowInput): Session | Respond {
  if (!previous || previous.moduleCode !== ctx.module.code || previous.step !== input.step) {
    // No session to continue (expired, lost, or a request for a step this call is not at):
    // apologise and hand the caller to the error destination rather than guess.
    const lost: Session = {
      ...enterModule(ctx, previous, { ...input, step: 'entry' }),
      trail: [...(previous?.trail ?? []), `${ctx.module.code}:${input.step}`],
    };
    return handOn(ctx, lost, 'error', [p('apology')], 'error', 'session-lost');
  }
  return {
    ...previous,
    turn: previous.turn + 1,
    updatedAt: ctx.now.toISOString(),
    trail: [...previous.trail, `${ctx.module.code}:${input.step}`],
  };
}

/**
 * Asks the caller for digits at a gather step (`saidFirst` is heard before the gather, so keys
 * pressed during it do not cut it short). The redirect after the gather is only reached when
 * Twilio falls through an empty gather: it brings the caller back to the same step.
 */
export function ask(
  ctx: VisitContext,
  session: Session,
  step: GatherStep,
  items: SpeechItem[],
  options: { readonly numDigits?: number; readonly saidFirst?: SpeechItem[] } = {},
): Respond {
  const next: Session = { ...session, step };
  const first: Action[] = options.saidFirst?.length ? [{ kind: 'say', items: options.saidFirst }] : [];
  return respond(next, [...first, gather(ctx, next, step, items, options.numDigits), { kind: 'redirect', url: ctx.stepUrl(step, next.turn) }]);
}

export function gather(ctx: VisitContext, session: Session, step: GatherStep, items: SpeechItem[], numDigits?: number): Action {
  return {
    kind: 'gather',
    action: ctx.stepUrl(step, session.turn),
    items,
    timeoutSeconds: ctx.module.gatherTimeoutSeconds,
    finishOnKey: '#',
    ...(numDigits ? { numDigits } : {}),
  };
}

/**
 * One more failed attempt at the current gather: ask again while attempts remain, else say
 * `giveUp` and hand the caller to the error destination.
 */
export function retry(ctx: VisitContext, session: Session, reason: string, askAgain: (session: Session) => Respond, giveUp: SpeechItem[]): Respond {
  const attempts = session.attempts + 1;
  if (attempts >= ctx.module.maxAttempts) return handOn(ctx, { ...session, attempts }, 'error', giveUp, 'error', reason);
  return askAgain({ ...session, attempts });
}

/** A CRM lookup failed: apologise and hand the caller to the error destination, saying which source failed and how. */
export function lookupFailed(
  ctx: VisitContext,
  session: Session,
  failure: { readonly source: string; readonly reason: string },
  before: SpeechItem[] = [],
): Respond {
  return handOn(ctx, session, 'error', [...before, p('apology')], 'error', `crm-failed:${failure.source}:${failure.reason}`);
}

/** Ends this module's part of the call at its next or error destination. */
export function handOn(ctx: VisitContext, session: Session, which: 'next' | 'error', before: SpeechItem[], outcome: CallOutcome, reason?: string): Respond {
  const destination = which === 'next' ? ctx.destinations.next : ctx.destinations.error;
  const code = which === 'next' ? ctx.module.nextDestination : ctx.module.errorDestination;
  const done: Session = {
    ...session,
    step: 'done',
    outcome,
    destination: code,
    ...(reason ? { reason } : {}),
  };
  const effects: Effect[] = [{ kind: 'metric', name: 'CallOutcome', dimensions: { module: ctx.module.code, outcome } }];
  const say: Action[] = before.length > 0 ? [{ kind: 'say', items: before }] : [];
  if (!destination) {
    // The destination was deleted after the module was saved: never leave the caller in silence.
    return {
      kind: 'respond',
      session: { ...done, outcome: 'error', reason: `destination-missing:${code}` },
      effects,
      actions: [...say, { kind: 'say', items: [p('apology')] }, { kind: 'hangup' }],
    };
  }
  switch (destination.type) {
    case 'module': {
      const handover = session.customer ? { to: destination.moduleCode, fromModule: ctx.module.code, customer: session.customer } : undefined;
      const withHandover: Session = handover ? { ...done, handover } : done;
      return { kind: 'respond', session: withHandover, effects, actions: [...say, { kind: 'redirect', url: ctx.moduleUrl(destination.moduleCode) }] };
    }
    case 'dial':
      return {
        kind: 'respond',
        session: done,
        effects,
        actions: [...say, { kind: 'dial', target: destination.target, ...(destination.timeoutSeconds ? { timeoutSeconds: destination.timeoutSeconds } : {}) }],
      };
    case 'redirect':
      return { kind: 'respond', session: done, effects, actions: [...say, { kind: 'redirect', url: destination.url }] };
    case 'hangup':
      return { kind: 'respond', session: done, effects, actions: [...say, { kind: 'say', items: [p('goodbye')] }, { kind: 'hangup' }] };
  }
}

export function respond(session: Session, actions: Action[]): Respond {
  return { kind: 'respond', session, actions, effects: [] };
}

/**
 * When the product itself fails (storage down, unexpected error) the caller still hears an
 * apology and reaches the module's error destination. No session is stored for this answer.
 */
export function failureResponse(ctx: VisitContext, previous: Session | undefined, input: FlowInput, reason: string): Respond {
  return handOn(ctx, enterModule(ctx, previous, input), 'error', [p('apology')], 'error', reason);
}
