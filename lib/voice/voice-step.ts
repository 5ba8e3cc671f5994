/**
 * One voice webhook step, in five moves: load the module and the call's session, replay the
 * stored answer when this request was already answered (Twilio retry, duplicate, concurrent
 * twin), run the module kind's flow (balance-lookups.ts or club-lookups.ts, which perform the
 * lookups the pure flow asks for), render TwiML, and save the new session with a conditional
 * write. Any failure still answers: the apology and the module's error destination.
 */
import type { AttemptLimiter } from '../auth/attempt-limiter';
import type { ModuleStore } from '../config/module-store';
import type { Destination, Language, ModuleConfig } from '../config/module-schema';
import type { CrmResolver } from '../crm/crm';
import { maskPhone } from '../domain/phone';
import { GATHER_STEPS, type GatherStep, type Session } from '../domain/session';
import type { Action, Effect } from '../flow/actions';
import { failureResponse, type FlowInput, type Respond, type VisitContext } from '../flow/module-visit';
import type { AppLogger } from '../observability/logger';
import type { MetricsRecorder } from '../observability/metrics';
import type { PaymentLinkDelivery } from '../payments/payment-link-delivery';
import { speechSettings } from '../speech/module-prompts';
import type { Speech } from '../speech/speech';
import { renderApology } from './apology';
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
  readonly logger: AppLogger;
  /** Where the flow's metric effects go (EMF in production); omitted = logged only. */
  readonly metrics?: MetricsRecorder;
  readonly publicBaseUrl: string;
  readonly sessionTtlSeconds: number;
  readonly defaultLanguage: Language;
  readonly clock?: () => Date;
}

export interface VoiceRequest {
  readonly code: string;
  /** 'entry' for POST /voice/{code}; the gather step for POST /voice/{code}/{step}. */
  readonly step: string;
  /** The `t` query parameter of a gather action URL. */
  readonly turn?: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

const CALL_SID = /^[A-Za-z0-9]{10,64}$/;

export async function handleVoiceStep(deps: VoiceDeps, request: VoiceRequest): Promise<string> {
  const { logger } = deps;
  const callSid = request.params.CallSid ?? '';
  const module = await deps.modules.getModule(request.code);
  if (!module || !module.enabled) {
    logger.warn('call to an unknown or disabled module', { moduleCode: request.code, known: Boolean(module) });
    return renderApology(deps.speech, module ? speechSettings(module) : { language: deps.defaultLanguage, prompts: {} });
  }
  const step = parseStep(request.step);
  if (!step || !CALL_SID.test(callSid)) {
    logger.warn('malformed voice request', { moduleCode: module.code, step: request.step.slice(0, 40) });
    return renderApology(deps.speech, speechSettings(module));
  }
  const input: FlowInput = {
    step,
    callSid,
    from: request.params.From ?? '',
    to: request.params.To ?? '',
    ...(request.params.Digits !== undefined ? { digits: request.params.Digits } : {}),
  };
  logger.appendKeys({ callSid, moduleCode: module.code, step });
  const ctx = visitContext(deps, module, await loadDestinations(deps, module));

  let previous: Session | undefined;
  try {
    // A balance module's entry identifies the caller by number: ask the CRM now, beside the
    // session read, rather than after it (a repeated entry or a hand-over wastes one read).
    const early = module.kind === 'balance' && step === 'entry' && !module.anonymousMode ? startCallerLookup(deps, module, input.from) : undefined;
    previous = await deps.sessions.get(callSid);
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
    logger.error('voice step failed; sending the caller to the error destination', { error: failure as Error });
    const fallback = failureResponse(ctx, previous, input, 'internal-error');
    return render(deps, module, fallback.actions).catch(() => renderApology(deps.speech, speechSettings(module)));
  }
}

function parseStep(step: string): 'entry' | GatherStep | undefined {
  if (step === 'entry') return 'entry';
  return (GATHER_STEPS as readonly string[]).includes(step) ? (step as GatherStep) : undefined;
}

async function loadDestinations(deps: VoiceDeps, module: ModuleConfig): Promise<VisitContext['destinations']> {
  const [next, error] = await Promise.all([deps.modules.getDestination(module.nextDestination), deps.modules.getDestination(module.errorDestination)]);
  return { ...(next ? { next } : {}), ...(error ? { error } : {}) } satisfies { next?: Destination; error?: Destination };
}

function visitContext(deps: VoiceDeps, module: ModuleConfig, destinations: VisitContext['destinations']): VisitContext {
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
function runModuleFlow(deps: VoiceDeps, ctx: VisitContext, previous: Session | undefined, input: FlowInput, early: EarlyCallerLookup | undefined): Promise<Respond> {
  const { module } = ctx;
  if (module.kind === 'club') return runClubFlow(deps, { ...ctx, module }, previous, input);
  return runBalanceFlow(deps, { ...ctx, module }, previous, input, early);
}

async function render(deps: VoiceDeps, module: ModuleConfig, actions: readonly Action[]): Promise<string> {
  const renderable: RenderableAction[] = [];
  const settings = speechSettings(module);
  for (const action of actions) {
    if (action.kind === 'say') renderable.push({ kind: 'say', segments: await deps.speech.render(action.items, settings) });
    else if (action.kind === 'gather') {
      const { items, ...rest } = action;
      renderable.push({ ...rest, segments: await deps.speech.render(items, settings) });
    } else renderable.push(action);
  }
  return renderTwiml(renderable);
}

/**
 * Stores the session only if no other delivery of this request got there first. The answer is
 * this step's own TwiML, or the TwiML of the concurrent twin that won the write (then this
 * delivery's effects are not recorded: the winner records them).
 */
async function save(deps: VoiceDeps, session: Session & { lastResponse: NonNullable<Session['lastResponse']> }, previous: Session | undefined): Promise<{ twiml: string; won: boolean }> {
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
  if (session.outcome) deps.logger.info('call handed on', { outcome: session.outcome, reason: session.reason, destination: session.destination, from: maskPhone(session.from) });
}
