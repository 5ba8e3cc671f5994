/**
 * Golden TwiML tables, in the style of Twilio's function templates: for one demo module, the
 * keys a caller presses at each step and the exact `<Response>` document the step answers.
 *
 * A row's `press` is what the caller does after the previous document: digits answer its
 * `<Gather>` (posted to the gather's action URL, as Twilio would), `REDIRECT` follows its
 * `<Redirect>` (a hand-over to another module), and `pay('success')` answers its `<Pay>` with
 * the parameters Twilio posts to the action for that Result (the simulator's, with the
 * confirmation code `ch_golden_<row>`). The first row is the call's entry webhook.
 */
import { isPayAnswer, payActionParams, type PayAnswer } from '../../tools/simulator/pay-answerer';
import type { InProcessStack } from './in-process-stack';

export const REDIRECT = '→';

const PAY_PREFIX = 'pay:';
/** The press that answers a `<Pay>`: what the caller did with the card (success, decline, star, …). */
export const pay = (answer: PayAnswer): string => `${PAY_PREFIX}${answer}`;

export interface GoldenRow {
  readonly press: string | null;
  readonly response: string;
}

/**
 * The exact document from readable XML: the line breaks and indentation between tags are
 * layout only; the XML declaration every answer starts with is added.
 */
export function twiml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, part, i) => out + part + (i < values.length ? String(values[i]) : ''), '');
  return `<?xml version="1.0" encoding="UTF-8"?>${text.replace(/>\s*\n\s*</g, '><').trim()}`;
}

/** Readable XML from an exact document (how the tables were first written down). */
export function indentTwiml(document: string): string {
  const body = document.replace(/^<\?xml[^>]*\?>/, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  let depth = 0;
  const lines: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    if (token.startsWith('</')) {
      depth -= 1;
      lines.push(`${'  '.repeat(depth)}${token}`);
    } else if (
      token.startsWith('<') &&
      !token.endsWith('/>') &&
      tokens[i + 1] !== undefined &&
      !(tokens[i + 1] as string).startsWith('<') &&
      (tokens[i + 2] ?? '').startsWith('</')
    ) {
      // An element with only text inside stays on one line.
      lines.push(`${'  '.repeat(depth)}${token}${tokens[i + 1]}${tokens[i + 2]}`);
      i += 2;
    } else if (token.startsWith('<')) {
      lines.push(`${'  '.repeat(depth)}${token}`);
      if (!token.endsWith('/>')) depth += 1;
    } else lines.push(`${'  '.repeat(depth)}${token}`);
  }
  return lines.join('\n');
}

const attribute = (document: string, tag: string, name: string): string | undefined => new RegExp(`<${tag}\\b[^>]*\\b${name}="([^"]*)"`).exec(document)?.[1];
const redirectTarget = (document: string): string | undefined => /<Redirect[^>]*>([^<]*)<\/Redirect>/.exec(document)?.[1];
const unescape = (url: string) => url.replace(/&amp;/g, '&');

/** Plays a call through the real voice handler: each row's press, the document it got back. */
export async function playCall(
  stack: InProcessStack,
  call: { code: string; from: string; callSid: string },
  presses: readonly (string | null)[],
): Promise<GoldenRow[]> {
  const rows: GoldenRow[] = [];
  let previous = '';
  for (const press of presses) {
    let url = `${stack.baseUrl}/voice/${call.code}`;
    const params: Record<string, string> = {
      CallSid: call.callSid,
      From: call.from,
      To: '+15005550006',
      AccountSid: 'AC00000000000000000000000000000000',
      CallStatus: 'in-progress',
      Direction: 'inbound',
    };
    if (press === REDIRECT) url = unescape(redirectTarget(previous) ?? '');
    else if (press?.startsWith(PAY_PREFIX)) {
      const answer = press.slice(PAY_PREFIX.length);
      if (!isPayAnswer(answer)) throw new Error(`row ${rows.length + 1}: ${answer} is not a <Pay> answer`);
      url = unescape(attribute(previous, 'Pay', 'action') ?? '');
      const question = {
        action: url,
        postalCode: attribute(previous, 'Pay', 'postalCode') !== 'false',
        securityCode: attribute(previous, 'Pay', 'securityCode') !== 'false',
        maxAttempts: Number(attribute(previous, 'Pay', 'maxAttempts') ?? 1),
      };
      Object.assign(params, payActionParams(answer, question, `ch_golden_${rows.length + 1}`));
    } else if (press !== null) {
      url = unescape(attribute(previous, 'Gather', 'action') ?? '');
      params.Digits = press;
    }
    if (!url)
      throw new Error(
        `row ${rows.length + 1}: the previous answer has nothing to ${press === REDIRECT ? 'redirect to' : press?.startsWith(PAY_PREFIX) ? 'pay' : 'gather'}`,
      );
    const target = new URL(url);
    const answer = await stack.post(target.pathname, params, { query: target.search.slice(1) });
    if (answer.statusCode !== 200) throw new Error(`row ${rows.length + 1}: HTTP ${answer.statusCode}`);
    previous = String(answer.body);
    rows.push({ press, response: previous });
  }
  return rows;
}
