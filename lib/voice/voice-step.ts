/**
 * One voice webhook step: load the module and session, run the pure flow (performing the
 * CRM lookups it asks for), store the new session, render TwiML. A repeated delivery of a
 * step already answered (Twilio retry, duplicate, concurrent twin) gets the stored answer.
 */
import type { BalanceModule, Language, ModuleConfig } from '../config/module-schema';
import type { Action } from '../flow/actions';
import { decide, type FlowContext, type FlowInput, type Lookups, type Need } from '../flow/balance-flow';
import { failureResponse, type Respond, type VisitContext } from '../flow/module-visit';
import { GATHER_STEPS, type GatherStep, type Session } from '../domain/session';
import type { AppLogger } from '../observability/logger';
import type { MetricsRecorder } from '../observability/metrics';
import { maskPhone } from '../domain/phone';
import type { PaymentLinkDelivery } from '../payments/payment-link-delivery';
import type { AttemptLimiter } from '../auth/attempt-limiter';
import type { ModuleStore } from '../config/module-store';
import type { CrmResolver } from '../crm/crm';
import type { BalanceResult } from '../domain/balance';
import type { ItemResult } from '../domain/billable-item';
import type { IdentityResult } from '../domain/customer';
import type { Speech } from '../speech/speech';
import { StaleSessionError, type SessionStore } from './session-store';
import { speechSettings } from '../speech/module-prompts';
import { renderTwiml, type RenderableAction } from './render-twiml';
import { runClubFlow } from './club-lookups';
import { lookupInModuleCrm } from './module-crm-lookup';
import { runWithLookups } from './run-with-lookups';

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
const MAX_LOOKUPS = 5;

export async function handleVoiceStep(deps: VoiceDeps, request: VoiceRequest): Promise<string> {
  const { logger } = deps;
  const callSid = request.params.CallSid ?? '';
  const module = await deps.modules.getModule(request.code);
  if (!module || !module.enabled) {
    logger.warn('call to an unknown or disabled module', { moduleCode: request.code, known: Boolean(module) });
    return apologyAndHangup(deps, module?.language ?? deps.defaultLanguage, module);
  }
  const step = request.step === 'entry' ? 'entry' : (GATHER_STEPS as readonly string[]).includes(request.step) ? (request.step as GatherStep) : undefined;
  if (!step || !CALL_SID.test(callSid)) {
    logger.warn('malformed voice request', { moduleCode: module.code, step: request.step.slice(0, 40) });
    return apologyAndHangup(deps, module.language, module);
  }
  const input: FlowInput = {
    step,
    callSid,
    from: request.params.From ?? '',
    to: request.params.To ?? '',
    ...(request.params.Digits !== undefined ? { digits: request.params.Digits } : {}),
  };
  logger.appendKeys({ callSid, moduleCode: module.code, step });

  const [next, error] = await Promise.all([deps.modules.getDestination(module.nextDestination), deps.modules.getDestination(module.errorDestination)]);
  const ctx = flowContext(deps, module, { ...(next ? { next } : {}), ...(error ? { error } : {}) });

  let previous: Session | undefined;
  try {
    previous = await deps.sessions.get(callSid);
    const replay = storedAnswer(previous, module.code, step, request.turn);
    if (replay !== undefined) {
      logger.info('repeated delivery answered from the session', { turn: previous?.turn });
      return replay;
    }
    const decision = await runModuleFlow(deps, ctx, previous, input);
    const twiml = await render(deps, module, decision.actions);
    const session: Session = { ...decision.session, lastResponse: { turn: decision.session.turn, step, twiml } };
    try {
      await deps.sessions.save(session, previous?.turn);
    } catch (saveError) {
      if (!(saveError instanceof StaleSessionError)) throw saveError;
      // A concurrent twin of this request won the write: answer what it answered.
      const winner = await deps.sessions.get(callSid);
      if (winner?.lastResponse) return winner.lastResponse.twiml;
      throw saveError;
    }
    for (const effect of decision.effects) {
      logger.info('metric', { metric: effect.name, ...effect.dimensions });
      deps.metrics?.add(effect.name, 'Count', 1, effect.dimensions);
    }
    if (session.outcome) logger.info('call handed on', { outcome: session.outcome, reason: session.reason, destination: session.destination, from: maskPhone(session.from) });
    return twiml;
  } catch (failure) {
    logger.error('voice step failed; sending the caller to the error destination', { error: failure as Error });
    const fallback = failureResponse(ctx, previous, input, 'internal-error');
    return render(deps, module, fallback.actions).catch(() => apologyAndHangup(deps, module.language, module));
  }
}

/** Each module kind has its own pure flow; the rest of a step is the same for all. */
function runModuleFlow(deps: VoiceDeps, ctx: VisitContext, previous: Session | undefined, input: FlowInput): Promise<Respond> {
  const { module } = ctx;
  if (module.kind === 'club') return runClubFlow(deps, { ...ctx, module }, previous, input);
  return runFlow(deps, { ...ctx, module }, previous, input);
}

function flowContext(deps: VoiceDeps, module: ModuleConfig, destinations: FlowContext['destinations']): VisitContext {
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

function runFlow(deps: VoiceDeps, ctx: FlowContext, previous: Session | undefined, input: FlowInput): Promise<Respond> {
  return runWithLookups<Lookups, Need>({
    decide: (lookups) => decide(ctx, previous, input, lookups),
    lookup: (need) => lookup(deps, ctx.module, need),
    maxLookups: MAX_LOOKUPS,
    flowName: 'flow',
  });
}

/**
 * Performs one CRM lookup, or the payment link (guarded to once per call inside
 * PaymentLinkDelivery, so concurrent twins of this request cannot send two). A thrown error
 * becomes a 'failed' answer the flow handles.
 */
async function lookup(deps: VoiceDeps, module: BalanceModule, need: Need): Promise<Lookups> {
  return lookupInModuleCrm(
    deps,
    module,
    need.kind,
    async (crm): Promise<Lookups> => {
      switch (need.kind) {
        case 'identify-by-phone':
          return { identity: await crm.identifyByPhone(need.phone) };
        case 'balance':
          return { balance: await crm.balance(need.customer) };
        case 'find-item':
          return { item: await crm.findItem(need.customer, need.query) };
        case 'payment-link':
          if (!deps.paymentLinks) return { paymentLink: { status: 'not-sent', reason: 'payment-links-not-configured' } };
          return { paymentLink: await deps.paymentLinks.deliver(crm, need.request, need.caller) };
      }
    },
    (failed): Lookups => {
      switch (need.kind) {
        case 'identify-by-phone':
          return { identity: failed satisfies IdentityResult };
        case 'balance':
          return { balance: failed satisfies BalanceResult };
        case 'find-item':
          return { item: failed satisfies ItemResult };
        case 'payment-link':
          return { paymentLink: { status: 'not-sent', reason: `link-failed:${failed.source}:${failed.reason}` } };
      }
    },
  );
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

async function apologyAndHangup(deps: VoiceDeps, language: Language, module: ModuleConfig | undefined): Promise<string> {
  const segments = await deps.speech.render([{ prompt: 'apology' }], module ? speechSettings(module) : { language, prompts: {} });
  return renderTwiml([{ kind: 'say', segments }, { kind: 'hangup' }]);
}
