/**
 * Walks one TwiML document's verbs as Twilio does and says what comes next: another webhook
 * request (a <Gather>'s action, a <Redirect>) or how the call ended. Twilio's rules kept here:
 * - relative URLs resolve against the URL of the request that returned the document, and a
 *   <Gather> without an action (or a <Redirect> without a URL) goes back to that URL;
 * - an answered <Gather> sends its Digits to the action; on silence Twilio goes on with the
 *   verb after the <Gather>, unless actionOnEmptyResult="true" sends an empty Digits;
 * - <Dial>, <Hangup> and <Reject> end the document, and so does running out of verbs
 *   (Twilio hangs up).
 */
import type { GatherQuestion } from './gather-answerer';
import { isInStack } from './stack-urls';
import type { HandedOn, TranscriptEvent } from './transcript';
import type { DialVerb, GatherPromptVerb, GatherVerb, PlayVerb, RedirectVerb, TwimlVerb } from './twiml-parser';

/** The next webhook request Twilio would make. */
export interface WebhookRequest {
  url: string;
  /** Upper-cased, as the verb's `method` attribute says (default POST). */
  method: string;
  /** Only after a <Gather>: what the caller pressed ('' for silence with actionOnEmptyResult). */
  digits?: string;
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
}

export async function executeVerbs(
  verbs: readonly TwimlVerb[],
  documentUrl: string,
  context: VerbContext,
): Promise<DocumentOutcome> {
  for (const verb of verbs) {
    const outcome = await executeVerb(verb, documentUrl, context);
    if (outcome) return outcome;
  }
  return { handedOn: { kind: 'ended' } };
}

/** The outcome when this verb ends the document; undefined to go on with the next verb. */
async function executeVerb(
  verb: TwimlVerb,
  documentUrl: string,
  context: VerbContext,
): Promise<DocumentOutcome | undefined> {
  switch (verb.verb) {
    case 'Say':
    case 'Play':
    case 'Pause':
      await executePrompt(verb, documentUrl, context, false);
      return undefined;
    case 'Gather':
      return executeGather(verb, documentUrl, context);
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

async function executePrompt(
  verb: GatherPromptVerb,
  documentUrl: string,
  context: VerbContext,
  inGather: boolean,
): Promise<void> {
  if (verb.verb === 'Say') {
    const e: TranscriptEvent = { type: 'say', text: verb.text };
    if (verb.voice !== undefined) e.voice = verb.voice;
    if (verb.language !== undefined) e.language = verb.language;
    if (inGather) e.inGather = true;
    context.emit(e);
  } else if (verb.verb === 'Play') {
    await executePlay(verb, documentUrl, context, inGather);
  } else {
    context.emit({ type: 'pause', seconds: verb.length });
  }
}

async function executePlay(verb: PlayVerb, documentUrl: string, context: VerbContext, inGather: boolean): Promise<void> {
  const url = resolveOrKeep(verb.url, documentUrl);
  const e: TranscriptEvent = { type: 'play', url, transcript: await context.transcribePlay(url) };
  if (inGather) e.inGather = true;
  context.emit(e);
}

/** A Play URL that does not resolve is still shown, as written. */
function resolveOrKeep(url: string, documentUrl: string): string {
  try {
    return new URL(url, documentUrl).toString();
  } catch {
    return url;
  }
}

async function executeGather(
  verb: GatherVerb,
  documentUrl: string,
  context: VerbContext,
): Promise<DocumentOutcome | undefined> {
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
