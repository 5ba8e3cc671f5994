/**
 * Walks one TwiML document's verbs as Twilio does and says what comes next: another webhook
 * request (a <Gather>'s action, a <Redirect>) or how the call ended. Twilio's rules kept here:
 * - relative URLs resolve against the URL of the request that returned the document, and a
 *   <Gather> without an action (or a <Redirect> without a URL) goes back to that URL;
 * - an answered <Gather> sends its Digits to the action; on silence Twilio goes on with the
 *   verb after the <Gather>, unless actionOnEmptyResult="true" sends an empty Digits;
 * - a <Pay> plays its <Prompt>s for the card steps, posts its status callbacks, then posts its
 *   Result (and masked card) to its action, which answers with the next document;
 * - <Dial>, <Hangup> and <Reject> end the document, and so does running out of verbs
 *   (Twilio hangs up).
 */
import type { GatherQuestion } from './gather-answerer';
import { payActionParams, payStatusParams, stepsReached, type PayAnswer, type PayQuestion } from './pay-answerer';
import { isInStack } from './stack-urls';
import type { HandedOn, TranscriptEvent } from './transcript';
import type { DialVerb, GatherPromptVerb, GatherVerb, PayVerb, PlayVerb, RedirectVerb, TwimlVerb } from './twiml-parser';

/** The next webhook request Twilio would make. */
export interface WebhookRequest {
  url: string;
  /** Upper-cased, as the verb's `method` attribute says (default POST). */
  method: string;
  /** Only after a <Gather>: what the caller pressed ('' for silence with actionOnEmptyResult). */
  digits?: string;
  /** Only after a <Pay>: the parameters Twilio adds (Result, masked card, confirmation code…). */
  params?: Record<string, string>;
}

export type DocumentOutcome = { next: WebhookRequest } | { handedOn: HandedOn };

export interface VerbContext {
  /** The stack's base URL: a redirect outside it hands the call on rather than being followed. */
  baseUrl: string;
  emit(event: TranscriptEvent): void;
  /** The digits pressed for a gather, or null for silence. */
  answerGather(gather: GatherQuestion): Promise<string | null>;
  /** What the caller hears from a played URL. */
  transcribePlay(url: string): Promise<string>;
  /** What the caller does at a <Pay>; absent = they type nothing (an input timeout). */
  answerPay?(pay: PayQuestion): Promise<PayAnswer>;
  /** Posts one signed <Pay> status callback; resolves to its HTTP status (0 = no answer). */
  postPayStatus?(url: string, params: Record<string, string>): Promise<number>;
  /** The gateway's confirmation code of a successful payment. */
  confirmationCode?(): string;
}

export async function executeVerbs(verbs: readonly TwimlVerb[], documentUrl: string, context: VerbContext): Promise<DocumentOutcome> {
  for (const verb of verbs) {
    const outcome = await executeVerb(verb, documentUrl, context);
    if (outcome) return outcome;
  }
  return { handedOn: { kind: 'ended' } };
}

/** The outcome when this verb ends the document; undefined to go on with the next verb. */
async function executeVerb(verb: TwimlVerb, documentUrl: string, context: VerbContext): Promise<DocumentOutcome | undefined> {
  switch (verb.verb) {
    case 'Say':
    case 'Play':
    case 'Pause':
      await executePrompt(verb, documentUrl, context, false);
      return undefined;
    case 'Gather':
      return executeGather(verb, documentUrl, context);
    case 'Pay':
      return executePay(verb, documentUrl, context);
    case 'Redirect':
      return executeRedirect(verb, documentUrl, context);
    case 'Dial':
      return executeDial(verb, context);
    case 'Hangup':
    case 'Reject':
      context.emit({ type: 'hangup' });
      return { handedOn: { kind: 'hangup' } };
    case 'Unknown':
      // Nothing the caller hears or does (the stack's TwiML comes from twilio's builder).
      return undefined;
  }
}

/** Where a prompt verb is heard: on its own, inside a <Gather>, or as a <Pay> <Prompt> for a card step. */
type PromptPlace = false | true | { pay: string };

async function executePrompt(verb: GatherPromptVerb, documentUrl: string, context: VerbContext, place: PromptPlace): Promise<void> {
  if (verb.verb === 'Say') {
    const e: TranscriptEvent = { type: 'say', text: verb.text };
    if (verb.voice !== undefined) e.voice = verb.voice;
    if (verb.language !== undefined) e.language = verb.language;
    markPlace(e, place);
    context.emit(e);
  } else if (verb.verb === 'Play') {
    await executePlay(verb, documentUrl, context, place);
  } else {
    context.emit({ type: 'pause', seconds: verb.length });
  }
}

function markPlace(e: Extract<TranscriptEvent, { type: 'say' | 'play' }>, place: PromptPlace): void {
  if (place === true) e.inGather = true;
  else if (place) e.inPay = place.pay;
}

async function executePlay(verb: PlayVerb, documentUrl: string, context: VerbContext, place: PromptPlace): Promise<void> {
  const url = resolveOrKeep(verb.url, documentUrl);
  const e: TranscriptEvent = { type: 'play', url, transcript: await context.transcribePlay(url) };
  markPlace(e, place);
  context.emit(e);
}

/**
 * A <Pay>: the caller hears the prompt of each card step they reach (and the error prompt of
 * each failed attempt), Twilio posts its status callbacks, then the Result to the action.
 */
async function executePay(verb: PayVerb, documentUrl: string, context: VerbContext): Promise<DocumentOutcome> {
  const action = new URL(verb.action ?? documentUrl, documentUrl).toString();
  const question: PayQuestion = {
    action,
    ...(verb.chargeAmount !== undefined ? { chargeAmount: verb.chargeAmount } : {}),
    ...(verb.currency !== undefined ? { currency: verb.currency } : {}),
    // Twilio asks for both unless told not to.
    postalCode: verb.postalCode !== 'false',
    securityCode: verb.securityCode !== 'false',
    maxAttempts: verb.maxAttempts ?? 1,
  };
  const answered: PayAnswer = context.answerPay ? await context.answerPay(question) : 'timeout';
  const promptFor = (step: string, errorType?: string) =>
    verb.prompts.find((p) => p.for === step && (errorType ? p.errorType.includes(errorType) : p.errorType.length === 0));
  const failedAttempt = answered === 'timeout' ? 'timeout' : answered === 'too-many-attempts' ? 'invalid-card-number' : undefined;
  for (const step of stepsReached(answered, question)) {
    const heard = [promptFor(step)];
    if (failedAttempt) for (let i = 1; i < question.maxAttempts; i += 1) heard.push(promptFor(step, failedAttempt));
    for (const prompt of heard) for (const v of prompt?.prompts ?? []) await executePrompt(v, documentUrl, context, { pay: step });
  }
  const statusCallbacks: number[] = [];
  if (verb.statusCallback && context.postPayStatus) {
    const url = new URL(verb.statusCallback, documentUrl).toString();
    for (const params of payStatusParams(answered, question)) statusCallbacks.push(await context.postPayStatus(url, params));
  }
  const params = payActionParams(answered, question, context.confirmationCode?.() ?? 'ch_simulated');
  const e: TranscriptEvent = {
    type: 'pay',
    action,
    postalCode: question.postalCode,
    securityCode: question.securityCode,
    answered,
    result: params.Result ?? '',
    statusCallbacks,
  };
  if (verb.paymentConnector !== undefined) e.connector = verb.paymentConnector;
  if (verb.chargeAmount !== undefined) e.chargeAmount = verb.chargeAmount;
  if (verb.currency !== undefined) e.currency = verb.currency;
  if (verb.paymentMethod !== undefined) e.paymentMethod = verb.paymentMethod;
  context.emit(e);
  return { next: { url: action, method: 'POST', params } };
}

/** A Play URL that does not resolve is still shown, as written. */
function resolveOrKeep(url: string, documentUrl: string): string {
  try {
    return new URL(url, documentUrl).toString();
  } catch {
    return url;
  }
}

async function executeGather(verb: GatherVerb, documentUrl: string, context: VerbContext): Promise<DocumentOutcome | undefined> {
  // Twilio plays the nested prompts before listening for keys.
  for (const prompt of verb.prompts) await executePrompt(prompt, documentUrl, context, true);
  const action = new URL(verb.action ?? documentUrl, documentUrl).toString();
  const answered = await context.answerGather({ action, numDigits: verb.numDigits, finishOnKey: verb.finishOnKey });
  context.emit(gatherEvent(verb, action, answered));
  if (answered !== null) return { next: { url: action, method: verb.method, digits: answered } };
  if (verb.actionOnEmptyResult) return { next: { url: action, method: verb.method, digits: '' } };
  return undefined;
}

function gatherEvent(verb: GatherVerb, action: string, answered: string | null): TranscriptEvent {
  const e: TranscriptEvent = { type: 'gather', action, answered };
  if (verb.numDigits !== undefined) e.numDigits = verb.numDigits;
  if (verb.timeout !== undefined) e.timeout = verb.timeout;
  if (verb.finishOnKey !== undefined) e.finishOnKey = verb.finishOnKey;
  return e;
}

function executeRedirect(verb: RedirectVerb, documentUrl: string, context: VerbContext): DocumentOutcome {
  const url = new URL(verb.url || documentUrl, documentUrl).toString();
  const external = !isInStack(url, context.baseUrl);
  context.emit({ type: 'redirect', url, external });
  // Another system's IVR is where this stack handed the call on; the simulator stops there.
  if (external) return { handedOn: { kind: 'redirect', target: url } };
  return { next: { url, method: verb.method } };
}

function executeDial(verb: DialVerb, context: VerbContext): DocumentOutcome {
  for (const t of verb.targets) context.emit({ type: 'dial', target: t.target, kind: t.kind });
  return { handedOn: { kind: 'dial', target: verb.targets.map((t) => t.target).join(', ') } };
}
