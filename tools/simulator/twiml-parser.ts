/**
 * TwiML XML -> typed verbs.
 *
 * Uses fast-xml-parser in `preserveOrder` mode so the order of verbs (and of
 * the prompt verbs nested in a <Gather>) is kept exactly as written. It is a
 * devDependency: only this dev tool and the tests read TwiML, and the tests use
 * this parser as a strict check of the TwiML the product writes, so it is better
 * an independent, widely used validator than a reader of our own.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface SayVerb {
  verb: 'Say';
  text: string;
  voice?: string;
  language?: string;
  loop?: number;
}

export interface PlayVerb {
  verb: 'Play';
  url: string;
  loop?: number;
  digits?: string;
}

export interface PauseVerb {
  verb: 'Pause';
  /** Seconds; Twilio's default is 1. */
  length: number;
}

export type GatherPromptVerb = SayVerb | PlayVerb | PauseVerb;

export interface GatherVerb {
  verb: 'Gather';
  /** Raw attribute value (may be relative); undefined means "the current document URL". */
  action?: string;
  /** Upper-cased; default POST. */
  method: string;
  timeout?: number;
  numDigits?: number;
  finishOnKey?: string;
  input?: string;
  actionOnEmptyResult: boolean;
  prompts: GatherPromptVerb[];
}

/** One <Prompt> of a <Pay>: what the caller hears at a card step (or after an error at it). */
export interface PayPromptVerb {
  for: string;
  /** Empty = the step's first prompt (no error). */
  errorType: string[];
  attempt: number[];
  prompts: GatherPromptVerb[];
}

export interface PayVerb {
  verb: 'Pay';
  /** Raw attribute value (may be relative); undefined means "the current document URL". */
  action?: string;
  statusCallback?: string;
  paymentConnector?: string;
  chargeAmount?: string;
  currency?: string;
  paymentMethod?: string;
  /** As written: "true", "false" or a fixed postal code; Twilio's default is true. */
  postalCode?: string;
  securityCode?: string;
  maxAttempts?: number;
  timeout?: number;
  language?: string;
  description?: string;
  prompts: PayPromptVerb[];
}

export interface RedirectVerb {
  verb: 'Redirect';
  url: string;
  /** Upper-cased; default POST. */
  method: string;
}

export type DialTargetKind = 'number' | 'sip' | 'client';

export interface DialVerb {
  verb: 'Dial';
  targets: { kind: DialTargetKind; target: string }[];
  action?: string;
  method?: string;
  timeout?: number;
  callerId?: string;
}

export interface HangupVerb {
  verb: 'Hangup';
}

export interface RejectVerb {
  verb: 'Reject';
  reason?: string;
}

export interface UnknownVerb {
  verb: 'Unknown';
  name: string;
}

export type TwimlVerb = SayVerb | PlayVerb | PauseVerb | GatherVerb | PayVerb | RedirectVerb | DialVerb | HangupVerb | RejectVerb | UnknownVerb;

export class TwimlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TwimlParseError';
  }
}

/** One node of fast-xml-parser's preserveOrder output. */
type OrderedNode = Record<string, unknown>;

const ATTRS = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  // Keep "+98912..." as a string, never a number.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

function isNodeList(v: unknown): v is OrderedNode[] {
  return Array.isArray(v);
}

/** The element name of a node (the one key that is not ':@' / '#text'). */
function nodeName(node: OrderedNode): string | undefined {
  for (const k of Object.keys(node)) {
    if (k !== ATTRS) return k;
  }
  return undefined;
}

function children(node: OrderedNode, name: string): OrderedNode[] {
  const c = node[name];
  return isNodeList(c) ? c : [];
}

function attrs(node: OrderedNode): Record<string, string> {
  const a = node[ATTRS];
  if (a && typeof a === 'object') {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(a as Record<string, unknown>)) out[k] = String(v);
    return out;
  }
  return {};
}

/** All text inside a node, depth-first (so SSML children of <Say> contribute their text). */
function textOf(list: OrderedNode[]): string {
  const parts: string[] = [];
  for (const child of list) {
    const name = nodeName(child);
    if (name === undefined) continue;
    if (name === TEXT) {
      const t = child[TEXT];
      if (t !== undefined && t !== null) parts.push(String(t));
    } else {
      const inner = textOf(children(child, name));
      if (inner) parts.push(inner);
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function optInt(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function optStr(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v;
}

function withDefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    if (o[k] === undefined) delete o[k];
  }
  return o;
}

function parseSay(node: OrderedNode): SayVerb {
  const a = attrs(node);
  return withDefined<SayVerb>({
    verb: 'Say',
    text: textOf(children(node, 'Say')),
    voice: optStr(a.voice),
    language: optStr(a.language),
    loop: optInt(a.loop),
  });
}

function parsePlay(node: OrderedNode): PlayVerb {
  const a = attrs(node);
  return withDefined<PlayVerb>({
    verb: 'Play',
    url: textOf(children(node, 'Play')),
    loop: optInt(a.loop),
    digits: optStr(a.digits),
  });
}

function parsePause(node: OrderedNode): PauseVerb {
  const a = attrs(node);
  return { verb: 'Pause', length: optInt(a.length) ?? 1 };
}

function promptVerbs(node: OrderedNode, parent: string): GatherPromptVerb[] {
  const prompts: GatherPromptVerb[] = [];
  for (const child of children(node, parent)) {
    const name = nodeName(child);
    if (name === 'Say') prompts.push(parseSay(child));
    else if (name === 'Play') prompts.push(parsePlay(child));
    else if (name === 'Pause') prompts.push(parsePause(child));
  }
  return prompts;
}

const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);

function parsePay(node: OrderedNode): PayVerb {
  const a = attrs(node);
  const prompts: PayPromptVerb[] = [];
  for (const child of children(node, 'Pay')) {
    if (nodeName(child) !== 'Prompt') continue;
    const p = attrs(child);
    prompts.push({
      for: p.for ?? '',
      errorType: words(p.errorType),
      attempt: words(p.attempt).map(Number).filter(Number.isFinite),
      prompts: promptVerbs(child, 'Prompt'),
    });
  }
  return withDefined<PayVerb>({
    verb: 'Pay',
    action: optStr(a.action),
    statusCallback: optStr(a.statusCallback),
    paymentConnector: optStr(a.paymentConnector),
    chargeAmount: optStr(a.chargeAmount),
    currency: optStr(a.currency),
    paymentMethod: optStr(a.paymentMethod),
    postalCode: optStr(a.postalCode),
    securityCode: optStr(a.securityCode),
    maxAttempts: optInt(a.maxAttempts),
    timeout: optInt(a.timeout),
    language: optStr(a.language),
    description: optStr(a.description),
    prompts,
  });
}

function parseGather(node: OrderedNode): GatherVerb {
  const a = attrs(node);
  const prompts = promptVerbs(node, 'Gather');
  return withDefined<GatherVerb>({
    verb: 'Gather',
    action: optStr(a.action),
    method: (a.method ?? 'POST').toUpperCase(),
    timeout: optInt(a.timeout),
    numDigits: optInt(a.numDigits),
    finishOnKey: optStr(a.finishOnKey),
    input: optStr(a.input),
    actionOnEmptyResult: (a.actionOnEmptyResult ?? '').toLowerCase() === 'true',
    prompts,
  });
}

function parseDial(node: OrderedNode): DialVerb {
  const a = attrs(node);
  const targets: DialVerb['targets'] = [];
  const kids = children(node, 'Dial');
  for (const child of kids) {
    const name = nodeName(child);
    if (name === 'Number') targets.push({ kind: 'number', target: textOf(children(child, name)) });
    else if (name === 'Sip') targets.push({ kind: 'sip', target: textOf(children(child, name)) });
    else if (name === 'Client') {
      // <Client>name</Client> or <Client><Identity>name</Identity>...</Client>
      const inner = children(child, name);
      const identity = inner.find((n) => nodeName(n) === 'Identity');
      const target = identity ? textOf(children(identity, 'Identity')) : textOf(inner);
      targets.push({ kind: 'client', target });
    }
  }
  if (targets.length === 0) {
    // Plain number as the text content of <Dial>.
    const plain = kids
      .filter((n) => nodeName(n) === TEXT)
      .map((n) => String(n[TEXT]))
      .join('')
      .trim();
    if (plain) targets.push({ kind: 'number', target: plain });
  }
  return withDefined<DialVerb>({
    verb: 'Dial',
    targets,
    action: optStr(a.action),
    method: a.method ? a.method.toUpperCase() : undefined,
    timeout: optInt(a.timeout),
    callerId: optStr(a.callerId),
  });
}

function parseVerb(node: OrderedNode): TwimlVerb | undefined {
  const name = nodeName(node);
  switch (name) {
    case undefined:
    case TEXT:
      return undefined;
    case 'Say':
      return parseSay(node);
    case 'Play':
      return parsePlay(node);
    case 'Pause':
      return parsePause(node);
    case 'Gather':
      return parseGather(node);
    case 'Pay':
      return parsePay(node);
    case 'Redirect': {
      const a = attrs(node);
      return {
        verb: 'Redirect',
        url: textOf(children(node, 'Redirect')),
        method: (a.method ?? 'POST').toUpperCase(),
      };
    }
    case 'Dial':
      return parseDial(node);
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject': {
      const a = attrs(node);
      return withDefined<RejectVerb>({ verb: 'Reject', reason: optStr(a.reason) });
    }
    default:
      return { verb: 'Unknown', name };
  }
}

/**
 * Parse a TwiML document into its top-level verbs, in document order.
 * Throws TwimlParseError if the body is not XML with a <Response> root.
 */
export function parseTwiml(xml: string): TwimlVerb[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new TwimlParseError(`invalid XML: ${valid.err.msg} (line ${valid.err.line}, col ${valid.err.col})`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new TwimlParseError(`invalid XML: ${(err as Error).message}`);
  }
  if (!isNodeList(doc)) throw new TwimlParseError('invalid XML document');
  const root = doc.find((n) => nodeName(n) === 'Response');
  if (!root) throw new TwimlParseError('no <Response> root element');
  const verbs: TwimlVerb[] = [];
  for (const node of children(root, 'Response')) {
    const v = parseVerb(node);
    if (v) verbs.push(v);
  }
  return verbs;
}
