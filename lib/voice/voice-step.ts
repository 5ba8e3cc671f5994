/**
 * One voice webhook step, in five moves: load the module and the call's session, replay the
 * stored answer when this request was already answered (Twilio retry, duplicate, concurrent
 * twin), run the module kind's flow (balance-lookups.ts or club-lookups.ts, which perform the
 * lookups the pure flow asks for), render TwiML, and save the new session with a conditional
 * write. Any failure still answers: the apology and the module's error destination.
 *
 * Every step runs under one deadline (request.deadline: 8 s, or less when the Lambda has less
 * left). The work gets the deadline minus a reserve for the answer, in a scope the SDK clients
 * and CRM budgets read; when it runs out the caller hears the apology and goes to the error
 * destination, in time, and nothing the late work does afterwards is saved.
 */
import type { AttemptLimiter } from '../auth/attempt-limiter';
import type { ModuleStore } from '../config/module-store';
import type { Destination, Language, ModuleConfig } from '../config/module-schema';
import type { CrmResolver } from '../crm/crm';
import { raceUntil, reserve, TIMED_OUT, type Deadline } from '../domain/deadline';
import { readPayReport } from '../domain/card-payment';
import { maskPhone } from '../domain/phone';
import { GATHER_STEPS, type GatherStep, type Session } from '../domain/session';
import type { Action, Effect } from '../flow/actions';
import { failureResponse, type FlowInput, type Respond, type VisitContext } from '../flow/module-visit';
import type { AppLogger } from '../observability/logger';
import type { MetricsRecorder } from '../observability/metrics';
import type { PaymentLinkDelivery } from '../payments/payment-link-delivery';
import type { CardPaymentDeps } from '../payments/card-payment-settlement';
import { speechSettings } from '../speech/module-prompts';
import type { Speech } from '../speech/speech';
import { moduleApology } from './apology';
import { runBalanceFlow, startCallerLookup, type EarlyCallerLookup } from './balance-lookups';
import { runClubFlow } from './club-lookups';
import { renderTwiml, type RenderableAction } from './render-twiml';
import { StaleSessionError, type SessionStore } from './session-store';

export interface VoiceDeps {
  readonly modules: ModuleStore;
  readonly sessions: SessionStore;
  readonly crms: CrmResolver;
  /** Customer club password lockout; without it password identification fails closed. */
  readonly attempts?: AttemptLimiter;
  readonly speech: Speech;
  /** Sends a call's payment link exactly once; without it links are reported as not sent. */
  readonly paymentLinks?: PaymentLinkDelivery;
  /** Settles card payments taken in the call (Twilio <Pay>); without it a payment is reported as not recorded. */
  readonly cardPayments?: CardPaymentDeps;
  readonly logger: AppLogger;
  /** Where the flow's metric effects go (EMF in production); omitted = logged only. */
  readonly metrics?: MetricsRecorder;
  readonly publicBaseUrl: string;
  readonly sessionTtlSeconds: number;
  readonly defaultLanguage: Language;
  readonly clock?: () => Date;
  /**
   * Runs work in the scope of a deadline, so what runs below the ports (SDK requests, CRM
   * budgets) stops at it. Without it the deadline is still kept by racing the work.
   */
  readonly withinDeadline?: <T>(deadline: Deadline, work: () => Promise<T>) => Promise<T>;
}

export interface VoiceRequest {
  readonly code: string;
  /** 'entry' for POST /voice/{code}; the gather step for POST /voice/{code}/{step}. */
  readonly step: string;
  /** The `t` query parameter of a gather action URL. */
  readonly turn?: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  /** When the step must have answered; see lib/domain/deadline.ts. */
  readonly deadline?: Deadline;
}

/** A Twilio call SID as the steps accept it (also the session key). */
export const CALL_SID = /^[A-Za-z0-9]{10,64}$/;

/** Kept back from the work for rendering the apology when the work runs out of time. */
export const ANSWER_RESERVE_MS = 750;

/**
 * A step's clock (epoch ms) and its deadline scope; without a scope the work just runs, and the
 * deadline is kept by racing it (raceUntil).
 */
export function stepTiming(deps: Pick<VoiceDeps, 'clock' | 'withinDeadline'>): {
  now: () => number;
  within: <T>(deadline: Deadline, work: () => Promise<T>) => Promise<T>;
} {
  return {
    now: () => (deps.clock ?? (() => new Date()))().getTime(),
    within: deps.withinDeadline ?? (<T>(_deadline: Deadline, work: () => Promise<T>) => work()),
  };
}

/** How far a step got, so an answer at the deadline can still name the module's error destination. */
interface StepProgress {
  module?: ModuleConfig;
  ctx?: VisitContext;
  previous?: Session | undefined;
  input?: FlowInput;
}

export async function handleVoiceStep(deps: VoiceDeps, request: VoiceRequest): Promise<string> {
  const { deadline } = request;
  const progress: StepProgress = {};
  if (!deadline) return runStep(deps, request, progress);
  const { now, within } = stepTiming(deps);
  const workDeadline = reserve(deadline, ANSWER_RESERVE_MS);
  const work = within(workDeadline, () => runStep(deps, request, progress, () => now() >= workDeadline.at));
  // The work is abandoned at the deadline, not awaited; its SDK requests are aborted by the scope.
  // Failing because its time ran out is the deadline's answer too (with the session recorded).
  const answer = await raceUntil(
    work.catch((error: unknown) => (now() >= workDeadline.at ? TIMED_OUT : Promise.reject(error))),
    workDeadline,
    now,
  );
  if (answer !== TIMED_OUT) return answer;
  deps.logger.error('voice step reached its deadline; sending the caller to the error destination', {
    moduleCode: request.code,
    step: request.step.slice(0, 40),
  });
  deps.metrics?.add('StepDeadlineExceeded', 'Count', 1, { function: 'voice' });
  // Rendered in the spent work scope: speech makes no request now (English falls back to <Say>
  // at once, cached audio still plays), leaving the reserve for recording the outcome.
  const rendering = within(workDeadline, () => deadlineAnswer(deps, progress));
  rendering.catch(() => undefined);
  const rendered = await raceUntil(rendering, deadline, now);
  if (rendered === TIMED_OUT) return renderTwiml([{ kind: 'hangup' }]);
  if (rendered.session) {
    // So the call log says why, in what is left of the deadline; the answer never waits longer.
    const session = { ...rendered.session, lastResponse: { turn: rendered.session.turn, step: progress.input?.step ?? 'entry', twiml: rendered.twiml } };
    const saving = within(deadline, () => deps.sessions.save(session, progress.previous?.turn));
    saving.catch((error: unknown) => deps.logger.warn('could not record the deadline on the session', { error: error as Error }));
    await raceUntil(
      saving.catch(() => undefined),
      deadline,
      now,
    );
  }
  return rendered.twiml;
}

/** The apology and the module's error destination, or just the apology when the module never loaded. */
async function deadlineAnswer(deps: VoiceDeps, progress: StepProgress): Promise<{ twiml: string; session?: Session }> {
  const { module, ctx, input } = progress;
  if (!module || !ctx || !input) return { twiml: await moduleApology(deps, module) };
  return renderFailure(deps, module, failureResponse(ctx, progress.previous, input, 'step-deadline'));
}

/** The failure response and its session; the module's apology alone (no session) when even that cannot be rendered. */
async function renderFailure(deps: VoiceDeps, module: ModuleConfig, failure: Respond): Promise<{ twiml: string; session?: Session }> {
  try {
    return { twiml: await render(deps, module, failure.actions), session: failure.session };
  } catch {
    return { twiml: await moduleApology(deps, module) };
  }
}

async function runStep(deps: VoiceDeps, request: VoiceRequest, progress: StepProgress, pastDeadline: () => boolean = () => false): Promise<string> {
  const { logger } = deps;
  const callSid = request.params.CallSid ?? '';
  const module = await deps.modules.getModule(request.code);
  if (!module || !module.enabled) {
    logger.warn('call to an unknown or disabled module', { moduleCode: request.code, known: Boolean(module) });
    return moduleApology(deps, module);
  }
  const step = parseStep(request.step);
  if (!step || !CALL_SID.test(callSid)) {
    logger.warn('malformed voice request', { moduleCode: module.code, step: request.step.slice(0, 40) });
    return moduleApology(deps, module);
  }
  const input: FlowInput = {
    step,
    callSid,
    from: request.params.From ?? '',
    to: request.params.To ?? '',
    ...(request.params.Digits !== undefined ? { digits: request.params.Digits } : {}),
    // The <Pay> action: only its report (card masked to the last four digits) reaches the flow.
    ...(step === 'pay' ? { pay: readPayReport(request.params) } : {}),
  };
  logger.appendKeys({ callSid, moduleCode: module.code, step });
  progress.module = module;
  progress.input = input;
  const ctx = visitContext(deps, module, await loadDestinations(deps, module));
  progress.ctx = ctx;

  let previous: Session | undefined;
  try {
    // A balance module's entry identifies the caller by number: ask the CRM now, beside the
    // session read, rather than after it (a repeated entry or a hand-over wastes one read).
    const early = module.kind === 'balance' && step === 'entry' && !module.anonymousMode ? startCallerLookup(deps, module, input.from) : undefined;
    previous = await deps.sessions.get(callSid);
    progress.previous = previous;
    const replay = storedAnswer(previous, module.code, step, request.turn);
    if (replay !== undefined) {
      logger.info('repeated delivery answered from the session', { turn: previous?.turn });
      return replay;
    }
    const decision = await runModuleFlow(deps, ctx, previous, input, early);
    const twiml = await render(deps, module, decision.actions);
    const saved = await save(deps, { ...decision.session, lastResponse: { turn: decision.session.turn, step, twiml } }, previous);
    if (saved.won) record(deps, decision.effects, decision.session);
    return saved.twiml;
  } catch (failure) {
    // Out of time: the deadline's answer (handleVoiceStep) apologises and records why.
    if (pastDeadline()) throw failure;
    logger.error('voice step failed; sending the caller to the error destination', { error: failure as Error });
    return (await renderFailure(deps, module, failureResponse(ctx, previous, input, 'internal-error'))).twiml;
  }
}

function parseStep(step: string): 'entry' | GatherStep | undefined {
  if (step === 'entry') return 'entry';
  return (GATHER_STEPS as readonly string[]).includes(step) ? (step as GatherStep) : undefined;
}

export async function loadDestinations(deps: Pick<VoiceDeps, 'modules'>, module: ModuleConfig): Promise<VisitContext['destinations']> {
  const [next, error] = await Promise.all([deps.modules.getDestination(module.nextDestination), deps.modules.getDestination(module.errorDestination)]);
  return { ...(next ? { next } : {}), ...(error ? { error } : {}) } satisfies { next?: Destination; error?: Destination };
}

export function visitContext(
  deps: Pick<VoiceDeps, 'publicBaseUrl' | 'clock' | 'sessionTtlSeconds'>,
  module: ModuleConfig,
  destinations: VisitContext['destinations'],
): VisitContext {
  const base = deps.publicBaseUrl;
  return {
    module,
    destinations,
    moduleUrl: (code) => `${base}/voice/${encodeURIComponent(code)}`,
    stepUrl: (step, turn) => `${base}/voice/${encodeURIComponent(module.code)}/${step}?t=${turn}`,
    now: (deps.clock ?? (() => new Date()))(),
    sessionTtlSeconds: deps.sessionTtlSeconds,
  };
}

/**
 * The stored TwiML when this request was already answered: a repeated entry into the same
 * module, or a gather answer for a turn the session has moved past.
 */
function storedAnswer(previous: Session | undefined, code: string, step: string, turn: string | undefined): string | undefined {
  if (!previous?.lastResponse || previous.moduleCode !== code) return undefined;
  if (step === 'entry') return previous.lastResponse.step === 'entry' ? previous.lastResponse.twiml : undefined;
  const isCurrent = previous.step === step && String(previous.turn) === turn;
  return isCurrent ? undefined : previous.lastResponse.twiml;
}

/** Each module kind has its own pure flow; the rest of a step is the same for all. */
function runModuleFlow(
  deps: VoiceDeps,
  ctx: VisitContext,
  previous: Session | undefined,
  input: FlowInput,
  early: EarlyCallerLookup | undefined,
): Promise<Respond> {
  const { module } = ctx;
  if (module.kind === 'club') return runClubFlow(deps, { ...ctx, module }, previous, input);
  return runBalanceFlow(deps, { ...ctx, module }, previous, input, early);
}

export async function render(deps: Pick<VoiceDeps, 'speech'>, module: ModuleConfig, actions: readonly Action[]): Promise<string> {
  const renderable: RenderableAction[] = [];
  const settings = speechSettings(module);
  for (const action of actions) {
    if (action.kind === 'say') renderable.push({ kind: 'say', segments: await deps.speech.render(action.items, settings) });
    else if (action.kind === 'gather') {
      const { items, ...rest } = action;
      renderable.push({ ...rest, segments: await deps.speech.render(items, settings) });
    } else if (action.kind === 'pay') {
      const prompts = await Promise.all(
        action.prompts.map(async ({ items, ...prompt }) => ({ ...prompt, segments: await deps.speech.render(items, settings) })),
      );
      renderable.push({ ...action, prompts });
    } else renderable.push(action);
  }
  return renderTwiml(renderable);
}

/**
 * Stores the session only if no other delivery of this request got there first. The answer is
 * this step's own TwiML, or the TwiML of the concurrent twin that won the write (then this
 * delivery's effects are not recorded: the winner records them).
 */
async function save(
  deps: VoiceDeps,
  session: Session & { lastResponse: NonNullable<Session['lastResponse']> },
  previous: Session | undefined,
): Promise<{ twiml: string; won: boolean }> {
  try {
    await deps.sessions.save(session, previous?.turn);
    return { twiml: session.lastResponse.twiml, won: true };
  } catch (saveError) {
    if (!(saveError instanceof StaleSessionError)) throw saveError;
    const winner = await deps.sessions.get(session.callSid);
    if (winner?.lastResponse) return { twiml: winner.lastResponse.twiml, won: false };
    throw saveError;
  }
}

function record(deps: VoiceDeps, effects: readonly Effect[], session: Session): void {
  for (const effect of effects) {
    deps.logger.info('metric', { metric: effect.name, ...effect.dimensions });
    deps.metrics?.add(effect.name, 'Count', 1, effect.dimensions);
  }
  if (session.outcome)
    deps.logger.info('call handed on', { outcome: session.outcome, reason: session.reason, destination: session.destination, from: maskPhone(session.from) });
}
