/**
 * Call simulator: drives a running IVR stack over HTTP exactly as Twilio
 * would (signed form POSTs, following <Gather> actions and <Redirect>s) and
 * returns a transcript of what the caller would have heard.
 */
import { randomBytes } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { parseTwiml, type GatherVerb, type PlayVerb, type TwimlVerb } from './twiml-parser';

export const DEFAULT_AUTH_TOKEN = 'local-dev-auth-token';
export const DEFAULT_TO = '+15550001000';
export const DEFAULT_MAX_REQUESTS = 40;
export const REQUEST_TIMEOUT_MS = 15_000;

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface PlaceCallOptions {
  baseUrl: string;
  code: string;
  from: string;
  to?: string;
  /** One entry per <Gather>; '' or an exhausted list means silence. */
  digits?: string[];
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
  ask?: (question: string, gather: { action: string; numDigits?: number }) => Promise<string>;
}

export type TranscriptEvent =
  | { type: 'say'; text: string; voice?: string; language?: string; inGather?: boolean }
  | { type: 'play'; url: string; transcript: string; inGather?: boolean }
  | { type: 'pause'; seconds: number }
  | {
      type: 'gather';
      action: string;
      numDigits?: number;
      timeout?: number;
      finishOnKey?: string;
      /** null = silence */
      answered: string | null;
    }
  | { type: 'request'; url: string; status: number; ms: number }
  | { type: 'redirect'; url: string; external: boolean }
  | { type: 'dial'; target: string; kind: 'number' | 'sip' | 'client' }
  | { type: 'hangup' }
  | { type: 'http-error'; url: string; status: number; body: string };

export interface Transcript {
  code: string;
  callSid: string;
  from: string;
  to: string;
  events: TranscriptEvent[];
  handedOn: { kind: 'module' | 'dial' | 'redirect' | 'hangup' | 'ended' | 'error'; target?: string };
  sms: { to: string; body: string; segments?: number }[];
  /** Number of voice webhook requests made (status callback / manifest / outbox not counted). */
  requests: number;
  statusCallback?: { status: number };
  /** Module codes whose `/voice/<code>` URL answered 200, in order (repeats kept). */
  modulesVisited: string[];
}

interface PendingRequest {
  url: string;
  method: string;
  digits?: string;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Normalize a base URL: absolute, no trailing slash. */
export function normalizeBaseUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  return u.toString().replace(/\/+$/, '');
}

/** Is `url` inside the stack rooted at `base` (already normalized)? */
export function isInStack(url: string, base: string): boolean {
  if (url === base) return true;
  return url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
}

/** If `url` is `{base}/voice/<code>` (optionally with a query / trailing slash), the code. */
export function voiceModuleCode(url: string, base: string): string | undefined {
  if (!isInStack(url, base)) return undefined;
  const rest = url.slice(base.length);
  const path = rest.split(/[?#]/, 1)[0] ?? '';
  const m = /^\/voice\/([^/]+)\/?$/.exec(path);
  if (!m || m[1] === undefined) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/**
 * The transcript text for a Play URL: manifest clip text when the last path
 * segment is `<key>.<ext>` with a known key, else the `t` query parameter,
 * else the URL itself.
 */
export function playTranscript(url: string, clips: Record<string, string>): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const path = parsed ? parsed.pathname : (url.split(/[?#]/, 1)[0] ?? '');
  const last = path.split('/').pop() ?? '';
  let segment = last;
  try {
    segment = decodeURIComponent(last);
  } catch {
    /* keep raw */
  }
  const dot = segment.lastIndexOf('.');
  if (dot > 0) {
    const key = segment.slice(0, dot);
    const text = Object.prototype.hasOwnProperty.call(clips, key) ? clips[key] : undefined;
    if (typeof text === 'string') return text;
  }
  const t = parsed?.searchParams.get('t');
  if (t) return t;
  return url;
}

/**
 * Describe a fetch failure, including the network error code of its cause
 * (e.g. "fetch failed — ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000").
 * Duck-typed on purpose: errors may come from another realm (e.g. under jest).
 */
function errorMessage(err: unknown): string {
  const describe = (e: unknown): string | undefined => {
    if (!e || typeof e !== 'object') return e === undefined || e === null ? undefined : String(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    const msg = typeof message === 'string' && message ? message : undefined;
    const c = typeof code === 'string' ? code : undefined;
    if (c && msg) return `${c}: ${msg}`;
    return c ?? msg;
  };
  const parts: string[] = [];
  const top = describe(err);
  if (top) parts.push(top);
  const cause = err && typeof err === 'object' ? (err as { cause?: unknown }).cause : undefined;
  const causeText = describe(cause);
  if (causeText) parts.push(causeText);
  // AggregateError (e.g. localhost resolving to both ::1 and 127.0.0.1).
  const errors = cause && typeof cause === 'object' ? (cause as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const t = describe(e);
      if (t) parts.push(t);
    }
  }
  return parts.length ? parts.join(' — ') : String(err);
}

export async function placeCall(opts: PlaceCallOptions): Promise<Transcript> {
  const fetchImpl: FetchLike = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  const base = normalizeBaseUrl(opts.baseUrl);
  const authToken = opts.authToken ?? DEFAULT_AUTH_TOKEN;
  const sign = opts.sign !== false;
  const maxRequests = opts.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const to = opts.to ?? DEFAULT_TO;
  const callSid = opts.callSid ?? `CA${randomHex(16)}`;
  const digitsQueue = opts.digits ? [...opts.digits] : undefined;
  const startedAt = Date.now();

  const callParams: Record<string, string> = {
    AccountSid: `AC${randomHex(16)}`,
    CallSid: callSid,
    From: opts.from,
    To: to,
    Caller: opts.from,
    Called: to,
    CallStatus: 'in-progress',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
    ...(opts.extraParams ?? {}),
  };

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

  const emit = (event: TranscriptEvent): void => {
    transcript.events.push(event);
    opts.onEvent?.(event);
  };

  // --- HTTP helpers -------------------------------------------------------

  /** Send a Twilio-style signed webhook request. */
  const send = async (
    url: string,
    method: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: string; url: string }> => {
    const headers: Record<string, string> = {
      'I-Twilio-Idempotency-Token': `${callSid}-${randomHex(16)}`,
      'User-Agent': 'TwilioProxy/1.1 (balance-ivr call simulator)',
      Accept: 'text/xml, application/xml, */*',
    };
    let requestUrl = url;
    let body: string | undefined;
    let signedParams: Record<string, string>;
    if (method === 'GET') {
      // Twilio sends GET webhooks with params in the query string and signs the full URL.
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      requestUrl = u.toString();
      signedParams = {};
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(params).toString();
      signedParams = params;
    }
    if (sign) {
      headers['X-Twilio-Signature'] = getExpectedTwilioSignature(authToken, requestUrl, signedParams);
    }
    const res = await fetchImpl(requestUrl, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text, url: requestUrl };
  };

  // --- Manifest (Play transcripts), fetched lazily once per call ----------

  let clipsPromise: Promise<Record<string, string>> | undefined;
  const loadClips = (): Promise<Record<string, string>> => {
    clipsPromise ??= (async () => {
      try {
        const res = await fetchImpl(`${base}/audio/manifest.json`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) return {};
        const json: unknown = await res.json();
        const clips =
          json && typeof json === 'object' ? (json as { clips?: unknown }).clips : undefined;
        const out: Record<string, string> = {};
        if (clips && typeof clips === 'object') {
          for (const [k, v] of Object.entries(clips as Record<string, unknown>)) {
            if (typeof v === 'string') out[k] = v;
          }
        }
        return out;
      } catch {
        return {};
      }
    })();
    return clipsPromise;
  };

  // --- Gather answers -----------------------------------------------------

  let rl: Interface | undefined;
  const askTerminal = (question: string): Promise<string> => {
    rl ??= createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const iface = rl;
    return new Promise((resolve) => {
      const onClose = (): void => resolve('');
      iface.once('close', onClose);
      iface.question(question, (answer) => {
        iface.off('close', onClose);
        resolve(answer);
      });
    });
  };

  const answerGather = async (action: string, gather: GatherVerb): Promise<string | null> => {
    let entry: string | undefined;
    if (digitsQueue) {
      entry = digitsQueue.shift();
    } else if (opts.interactive) {
      const desc = [
        gather.numDigits !== undefined ? `${gather.numDigits} digit(s)` : undefined,
        gather.finishOnKey !== undefined ? `finishOnKey "${gather.finishOnKey}"` : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      const question = `⌨  Enter digits${desc ? ` (${desc})` : ''}, empty = silence: `;
      entry = opts.ask
        ? await opts.ask(question, { action, numDigits: gather.numDigits })
        : await askTerminal(question);
      entry = entry.trim();
    }
    return entry ? entry : null;
  };

  // --- Verb execution -----------------------------------------------------

  const emitPlay = async (verb: PlayVerb, docUrl: string, inGather: boolean): Promise<void> => {
    let url = verb.url;
    try {
      url = new URL(verb.url, docUrl).toString();
    } catch {
      /* keep raw */
    }
    const clips = await loadClips();
    const e: TranscriptEvent = { type: 'play', url, transcript: playTranscript(url, clips) };
    if (inGather) e.inGather = true;
    emit(e);
  };

  const emitPrompt = async (verb: TwimlVerb, docUrl: string, inGather: boolean): Promise<void> => {
    if (verb.verb === 'Say') {
      const e: TranscriptEvent = { type: 'say', text: verb.text };
      if (verb.voice !== undefined) e.voice = verb.voice;
      if (verb.language !== undefined) e.language = verb.language;
      if (inGather) e.inGather = true;
      emit(e);
    } else if (verb.verb === 'Play') {
      await emitPlay(verb, docUrl, inGather);
    } else if (verb.verb === 'Pause') {
      emit({ type: 'pause', seconds: verb.length });
    }
  };

  /** Run a document; returns the next request, or undefined when the call ended. */
  const runDocument = async (verbs: TwimlVerb[], docUrl: string): Promise<PendingRequest | undefined> => {
    for (const verb of verbs) {
      switch (verb.verb) {
        case 'Say':
        case 'Play':
        case 'Pause':
          await emitPrompt(verb, docUrl, false);
          break;
        case 'Gather': {
          for (const p of verb.prompts) await emitPrompt(p, docUrl, true);
          const action = new URL(verb.action ?? docUrl, docUrl).toString();
          const answered = await answerGather(action, verb);
          const e: TranscriptEvent = { type: 'gather', action, answered };
          if (verb.numDigits !== undefined) e.numDigits = verb.numDigits;
          if (verb.timeout !== undefined) e.timeout = verb.timeout;
          if (verb.finishOnKey !== undefined) e.finishOnKey = verb.finishOnKey;
          emit(e);
          if (answered !== null) return { url: action, method: verb.method, digits: answered };
          if (verb.actionOnEmptyResult) return { url: action, method: verb.method, digits: '' };
          break; // silence: fall through to the next verb
        }
        case 'Redirect': {
          const url = new URL(verb.url || docUrl, docUrl).toString();
          const external = !isInStack(url, base);
          emit({ type: 'redirect', url, external });
          if (external) {
            transcript.handedOn = { kind: 'redirect', target: url };
            return undefined;
          }
          return { url, method: verb.method };
        }
        case 'Dial': {
          for (const t of verb.targets) emit({ type: 'dial', target: t.target, kind: t.kind });
          transcript.handedOn = {
            kind: 'dial',
            target: verb.targets.map((t) => t.target).join(', '),
          };
          return undefined;
        }
        case 'Hangup':
        case 'Reject':
          emit({ type: 'hangup' });
          transcript.handedOn = { kind: 'hangup' };
          return undefined;
        case 'Unknown':
          break;
      }
    }
    transcript.handedOn = { kind: 'ended' };
    return undefined;
  };

  // --- Main loop ----------------------------------------------------------

  let next: PendingRequest | undefined = {
    url: `${base}/voice/${encodeURIComponent(opts.code)}`,
    method: 'POST',
  };

  try {
    while (next) {
      if (transcript.requests >= maxRequests) {
        emit({
          type: 'http-error',
          url: next.url,
          status: 0,
          body: `loop guard: stopped after ${maxRequests} requests (maxRequests)`,
        });
        transcript.handedOn = { kind: 'error', target: 'max-requests' };
        break;
      }
      const params: Record<string, string> = { ...callParams };
      if (next.digits !== undefined) params.Digits = next.digits;

      transcript.requests += 1;
      const t0 = Date.now();
      let res: { status: number; body: string; url: string };
      try {
        res = await send(next.url, next.method, params);
      } catch (err) {
        emit({ type: 'request', url: next.url, status: 0, ms: Date.now() - t0 });
        emit({ type: 'http-error', url: next.url, status: 0, body: errorMessage(err).slice(0, 300) });
        transcript.handedOn = { kind: 'error', target: next.url };
        break;
      }
      emit({ type: 'request', url: next.url, status: res.status, ms: Date.now() - t0 });
      if (res.status !== 200) {
        emit({ type: 'http-error', url: next.url, status: res.status, body: res.body.slice(0, 300) });
        transcript.handedOn = { kind: 'error', target: next.url };
        break;
      }
      const moduleCode = voiceModuleCode(next.url, base);
      if (moduleCode !== undefined) transcript.modulesVisited.push(moduleCode);
      let verbs: TwimlVerb[];
      try {
        verbs = parseTwiml(res.body);
      } catch {
        emit({ type: 'http-error', url: next.url, status: res.status, body: res.body.slice(0, 300) });
        transcript.handedOn = { kind: 'error', target: next.url };
        break;
      }
      // Relative URLs resolve against the URL of the request that returned the TwiML.
      next = await runDocument(verbs, next.url);
    }
  } finally {
    rl?.close();
  }

  // --- After the call -----------------------------------------------------

  // If the stack never answered at all (e.g. ECONNREFUSED), there was no call to report on.
  const connected = transcript.events.some((e) => e.type === 'request' && e.status !== 0);
  if (!connected) return transcript;

  if (opts.statusCallback !== false) {
    const duration = Math.max(1, Math.round((Date.now() - startedAt) / 1000));
    try {
      const res = await send(`${base}/status`, 'POST', {
        ...callParams,
        CallStatus: 'completed',
        CallDuration: String(duration),
      });
      transcript.statusCallback = { status: res.status };
    } catch {
      transcript.statusCallback = { status: 0 };
    }
  }

  try {
    const res = await fetchImpl(`${base}/dev/outbox?callSid=${encodeURIComponent(callSid)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 200) {
      const json: unknown = await res.json();
      const messages =
        json && typeof json === 'object' ? (json as { messages?: unknown }).messages : undefined;
      if (Array.isArray(messages)) {
        for (const m of messages as unknown[]) {
          if (!m || typeof m !== 'object') continue;
          const { to: smsTo, body, segments } = m as Record<string, unknown>;
          if (typeof smsTo !== 'string' || typeof body !== 'string') continue;
          const sms: Transcript['sms'][number] = { to: smsTo, body };
          if (typeof segments === 'number') sms.segments = segments;
          transcript.sms.push(sms);
        }
      }
    }
  } catch {
    /* the outbox route may not exist: ignore */
  }

  return transcript;
}

/** True when the call completed without an http-error event. */
export function callSucceeded(t: Transcript): boolean {
  return !t.events.some((e) => e.type === 'http-error');
}
