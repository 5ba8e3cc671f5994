/**
 * Call simulator: drives a running IVR stack over HTTP exactly as Twilio
 * would (signed form POSTs, following <Gather> actions and <Redirect>s) and
 * returns a transcript of what the caller would have heard.
 *
 * placeCall only orchestrates; the parts are the request signer, the TwiML parser, the
 * verb executor, the gather answerer, the audio manifest reader and the outbox reader.
 */
import { randomBytes } from 'node:crypto';
import { playTranscriber } from './audio-manifest';
import { describeFetchError } from './fetch-error';
import { gatherAnswerer, type AskForDigits, type GatherAnswerer } from './gather-answerer';
import { payAnswerer, type PayAnswer } from './pay-answerer';
import { readOutboxSms } from './outbox-sms';
import { webhookSender, type FetchLike, type SendWebhook, type WebhookAnswer } from './request-signer';
import { normalizeBaseUrl, voiceModuleCode } from './stack-urls';
import type { Transcript, TranscriptEvent } from './transcript';
import { parseTwiml, type TwimlVerb } from './twiml-parser';
import { executeVerbs, type VerbContext, type WebhookRequest } from './verb-executor';

export { playTranscript } from './audio-manifest';
export { isInStack, normalizeBaseUrl, voiceModuleCode } from './stack-urls';
export { callSucceeded, type Transcript, type TranscriptEvent } from './transcript';

export const DEFAULT_AUTH_TOKEN = 'local-dev-auth-token';
export const DEFAULT_TO = '+15550001000';
export const DEFAULT_MAX_REQUESTS = 40;
export const REQUEST_TIMEOUT_MS = 15_000;

export interface PlaceCallOptions {
  baseUrl: string;
  code: string;
  from: string;
  to?: string;
  /** One entry per <Gather>; '' or an exhausted list means silence. */
  digits?: string[];
  /** One entry per <Pay>: what the caller does (success, decline, hangup, …); an exhausted list means an input timeout. */
  pay?: PayAnswer[];
  /** Ask on the terminal for each gather (only used when `digits` is not given). */
  interactive?: boolean;
  authToken?: string;
  /** Default true. false = send no X-Twilio-Signature header. */
  sign?: boolean;
  callSid?: string;
  maxRequests?: number;
  /** Default true: POST a completed status callback to {baseUrl}/status after the call. */
  statusCallback?: boolean;
  /** Merged into (and overriding) every request's params. */
  extraParams?: Record<string, string>;
  /** Default: global fetch. */
  fetchImpl?: FetchLike;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Called with every event as it is recorded (e.g. to print live in interactive mode). */
  onEvent?: (event: TranscriptEvent) => void;
  /** Interactive answer provider; default asks on the terminal via readline (prompt on stderr). */
  ask?: AskForDigits;
}

/** One call in progress: what every step needs to send, record and follow. */
interface Call {
  /** Where the stack is and how to reach it (also for the audio manifest and the outbox). */
  stack: { baseUrl: string; fetchImpl: FetchLike; timeoutMs: number };
  maxRequests: number;
  /** The parameters Twilio sends with every webhook of the call. */
  params: Record<string, string>;
  send: SendWebhook;
  transcript: Transcript;
  emit: (event: TranscriptEvent) => void;
  /** For the status callback's CallDuration. */
  startedAt: number;
}

export async function placeCall(opts: PlaceCallOptions): Promise<Transcript> {
  const call = startCall(opts);
  const answerer = gatherAnswerer(opts);
  const entry: WebhookRequest = { url: `${call.stack.baseUrl}/voice/${encodeURIComponent(opts.code)}`, method: 'POST' };
  try {
    await followWebhooks(call, entry, verbContext(call, answerer, opts.pay));
  } finally {
    answerer.close();
  }
  // If the stack never answered at all (e.g. ECONNREFUSED), there was no call to report on.
  if (!connected(call.transcript)) return call.transcript;
  if (opts.statusCallback !== false) call.transcript.statusCallback = await postStatusCallback(call);
  call.transcript.sms = await readOutboxSms(call.stack, call.transcript.callSid);
  return call.transcript;
}

function startCall(opts: PlaceCallOptions): Call {
  const fetchImpl: FetchLike = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const to = opts.to ?? DEFAULT_TO;
  const callSid = opts.callSid ?? `CA${randomHex()}`;
  const transcript: Transcript = {
    code: opts.code,
    callSid,
    from: opts.from,
    to,
    events: [],
    handedOn: { kind: 'ended' },
    sms: [],
    requests: 0,
    modulesVisited: [],
  };
  return {
    stack: { baseUrl: normalizeBaseUrl(opts.baseUrl), fetchImpl, timeoutMs },
    maxRequests: opts.maxRequests ?? DEFAULT_MAX_REQUESTS,
    params: {
      AccountSid: `AC${randomHex()}`,
      CallSid: callSid,
      From: opts.from,
      To: to,
      Caller: opts.from,
      Called: to,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ...(opts.extraParams ?? {}),
    },
    send: webhookSender({
      authToken: opts.authToken ?? DEFAULT_AUTH_TOKEN,
      sign: opts.sign !== false,
      callSid,
      fetchImpl,
      timeoutMs,
    }),
    transcript,
    emit: (event) => {
      transcript.events.push(event);
      opts.onEvent?.(event);
    },
    startedAt: Date.now(),
  };
}

function randomHex(): string {
  return randomBytes(16).toString('hex');
}

function verbContext(call: Call, answerer: GatherAnswerer, pay: PayAnswer[] | undefined): VerbContext {
  const payer = payAnswerer({
    ...(pay ? { pay } : {}),
    ...(answerer.askText ? { ask: (q: string) => (answerer.askText as (q: string) => Promise<string>)(q) } : {}),
  });
  return {
    baseUrl: call.stack.baseUrl,
    emit: call.emit,
    answerGather: (gather) => answerer.answer(gather),
    transcribePlay: playTranscriber(call.stack),
    answerPay: (question) => payer.answer(question),
    postPayStatus: async (url, params) => {
      try {
        return (await call.send(url, 'POST', { AccountSid: call.params.AccountSid as string, CallSid: call.params.CallSid as string, ...params })).status;
      } catch {
        return 0;
      }
    },
    // Stripe's charge ids look like this; the simulated gateway makes a new one per payment.
    confirmationCode: () => `ch_sim_${randomHex().slice(0, 24)}`,
  };
}

/** Request, run the TwiML, follow where it leads, until the call ends or goes wrong. */
async function followWebhooks(call: Call, first: WebhookRequest, context: VerbContext): Promise<void> {
  let next = first;
  for (;;) {
    if (call.transcript.requests >= call.maxRequests) {
      const body = `loop guard: stopped after ${call.maxRequests} requests (maxRequests)`;
      fail(call, { url: next.url, status: 0, body }, 'max-requests');
      return;
    }
    const verbs = await requestDocument(call, next);
    if (!verbs) return;
    // Relative URLs resolve against the URL of the request that returned the TwiML.
    const outcome = await executeVerbs(verbs, next.url, context);
    if ('handedOn' in outcome) {
      call.transcript.handedOn = outcome.handedOn;
      return;
    }
    next = outcome.next;
  }
}

/** The verbs one webhook answered with; undefined (the failure recorded) when there are none to run. */
async function requestDocument(call: Call, request: WebhookRequest): Promise<TwimlVerb[] | undefined> {
  const params = { ...call.params };
  if (request.digits !== undefined) params.Digits = request.digits;
  if (request.params) Object.assign(params, request.params);
  call.transcript.requests += 1;
  const t0 = Date.now();
  let answer: WebhookAnswer;
  try {
    answer = await call.send(request.url, request.method, params);
  } catch (err) {
    call.emit({ type: 'request', url: request.url, status: 0, ms: Date.now() - t0 });
    return fail(call, { url: request.url, status: 0, body: describeFetchError(err) });
  }
  call.emit({ type: 'request', url: request.url, status: answer.status, ms: Date.now() - t0 });
  if (answer.status !== 200) return fail(call, { url: request.url, ...answer });
  const moduleCode = voiceModuleCode(request.url, call.stack.baseUrl);
  if (moduleCode !== undefined) call.transcript.modulesVisited.push(moduleCode);
  try {
    return parseTwiml(answer.body);
  } catch {
    return fail(call, { url: request.url, ...answer });
  }
}

/** Records why the call stopped; the target says where (a URL, or `max-requests`). */
function fail(call: Call, error: { url: string; status: number; body: string }, target = error.url): undefined {
  call.emit({ type: 'http-error', url: error.url, status: error.status, body: error.body.slice(0, 300) });
  call.transcript.handedOn = { kind: 'error', target };
  return undefined;
}

function connected(transcript: Transcript): boolean {
  return transcript.events.some((e) => e.type === 'request' && e.status !== 0);
}

/** Twilio's completed status callback, signed like the webhooks; status 0 when it got no answer. */
async function postStatusCallback(call: Call): Promise<{ status: number }> {
  const duration = Math.max(1, Math.round((Date.now() - call.startedAt) / 1000));
  try {
    const answer = await call.send(`${call.stack.baseUrl}/status`, 'POST', {
      ...call.params,
      CallStatus: 'completed',
      CallDuration: String(duration),
    });
    return { status: answer.status };
  } catch {
    return { status: 0 };
  }
}
