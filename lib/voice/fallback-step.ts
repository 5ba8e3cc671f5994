/**
 * POST /fallback/{code}: Twilio's fallback URL (the number's "primary handler fails" webhook).
 * When the voice webhook could not answer (an error, a timeout, the function failing to
 * start), Twilio requests this one with the same call and `ErrorCode`. It answers what a
 * failed voice step answers: the module's apology and its error destination — or the apology
 * and a hang-up when even the module cannot be read — within its own short deadline, and it
 * records why on the call's session so the call log says `twilio-fallback:<ErrorCode>`.
 * English is spoken with <Say> here (no Polly, no S3): the fallback needs only the
 * configuration and sessions tables, so it keeps working when the rest does not.
 */
import type { ModuleConfig } from '../config/module-schema';
import { raceUntil, reserve, TIMED_OUT, type Deadline } from '../domain/deadline';
import { failureResponse, type FlowInput } from '../flow/module-visit';
import { moduleApology, renderApology } from './apology';
import { ANSWER_RESERVE_MS, CALL_SID, loadDestinations, render, stepTiming, visitContext, type VoiceDeps } from './voice-step';

/** What a fallback answer needs: a voice step's dependencies, without the CRM, SMS or payments. */
export type FallbackDeps = Pick<
  VoiceDeps,
  'modules' | 'sessions' | 'speech' | 'logger' | 'metrics' | 'publicBaseUrl' | 'sessionTtlSeconds' | 'defaultLanguage' | 'clock' | 'withinDeadline'
>;

export interface FallbackRequest {
  readonly code: string;
  readonly params: Readonly<Record<string, string>>;
  readonly deadline?: Deadline;
}

export async function handleFallback(deps: FallbackDeps, request: FallbackRequest): Promise<string> {
  const errorCode = (request.params.ErrorCode ?? '').replace(/[^0-9]/g, '').slice(0, 10) || 'unknown';
  deps.logger.error('Twilio requested the fallback URL: the voice webhook failed', {
    moduleCode: request.code.slice(0, 64),
    errorCode,
    errorUrl: (request.params.ErrorUrl ?? '').slice(0, 200),
  });
  deps.metrics?.add('WebhookFailed', 'Count', 1, { function: 'fallback' });
  const apology = () => renderApology(deps.speech, { language: deps.defaultLanguage, prompts: {} });
  if (!request.deadline) return answer(deps, request, errorCode).catch(apology);
  const { now, within } = stepTiming(deps);
  const work = reserve(request.deadline, ANSWER_RESERVE_MS);
  const answered = within(work, () => answer(deps, request, errorCode));
  answered.catch(() => undefined);
  try {
    const twiml = await raceUntil(answered, work, now);
    return twiml === TIMED_OUT ? await apology() : twiml;
  } catch (error) {
    deps.logger.error('fallback could not read the module; answering the apology', { error: error as Error });
    return apology();
  }
}

async function answer(deps: FallbackDeps, request: FallbackRequest, errorCode: string): Promise<string> {
  const module: ModuleConfig | undefined = await deps.modules.getModule(request.code);
  const callSid = request.params.CallSid ?? '';
  if (!module || !module.enabled || !CALL_SID.test(callSid)) return moduleApology(deps, module);
  const ctx = visitContext(deps, module, await loadDestinations(deps, module));
  const previous = await deps.sessions.get(callSid).catch(() => undefined);
  const input: FlowInput = { step: 'entry', callSid, from: request.params.From ?? '', to: request.params.To ?? '' };
  const failed = failureResponse(ctx, previous, input, `twilio-fallback:${errorCode}`);
  const twiml = await render(deps, module, failed.actions);
  // So the call log says why; a session another delivery moved on keeps its own story.
  await deps.sessions
    .save(failed.session, previous?.turn)
    .catch((error: unknown) => deps.logger.warn('fallback could not record the failure on the session', { error: error as Error }));
  return twiml;
}
