/**
 * Human-readable rendering of a call simulator transcript.
 */
import type { Transcript, TranscriptEvent } from './transcript';

const INDENT = '  ';

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Show a URL relative to the stack when possible (`/voice/other`), else in full. */
function shortUrl(url: string, baseUrl?: string): string {
  if (baseUrl && url.startsWith(baseUrl)) {
    const rest = url.slice(baseUrl.length);
    if (rest === '' || rest.startsWith('/') || rest.startsWith('?')) return rest || '/';
  }
  return url;
}

/** Where a prompt was heard, when not on its own. */
function place(e: { inGather?: boolean; inPay?: string }): string {
  if (e.inGather) return ' [gather prompt]';
  return e.inPay ? ` [pay prompt: ${e.inPay}]` : '';
}

/** One line for one event (no indentation); undefined for events not worth showing. */
export function formatEvent(e: TranscriptEvent, baseUrl?: string): string | undefined {
  switch (e.type) {
    case 'say': {
      const meta = [e.voice, e.language].filter((x): x is string => !!x).join(', ');
      return `▶ say${meta ? ` (${meta})` : ''}${place(e)}: ${oneLine(e.text)}`;
    }
    case 'play':
      return `▶ play${place(e)}: ${e.transcript === e.url ? e.url : `${oneLine(e.transcript)}   [${e.url}]`}`;
    case 'pause':
      return `… pause ${e.seconds}s`;
    case 'gather': {
      const opts = [
        e.numDigits !== undefined ? `numDigits=${e.numDigits}` : undefined,
        e.timeout !== undefined ? `timeout=${e.timeout}` : undefined,
        e.finishOnKey !== undefined ? `finishOnKey=${JSON.stringify(e.finishOnKey)}` : undefined,
      ].filter(Boolean);
      const answer = e.answered === null ? 'silence' : `answered "${e.answered}"`;
      return `⌨ gather${opts.length ? ` (${opts.join(', ')})` : ''} → ${answer}   [action ${shortUrl(e.action, baseUrl)}]`;
    }
    case 'pay': {
      const asked = ['card number', 'expiry', e.securityCode ? 'security code' : undefined, e.postalCode ? 'postal code' : undefined]
        .filter(Boolean)
        .join(', ');
      const amount = [e.chargeAmount, e.currency?.toUpperCase()].filter(Boolean).join(' ');
      const callbacks =
        e.statusCallbacks.length > 0
          ? `; ${e.statusCallbacks.length} status callback(s): ${[...new Set(e.statusCallbacks.map((s) => s || 'no answer'))].join(', ')}`
          : '';
      return `💳 pay ${amount}${e.connector ? ` via ${e.connector}` : ''} (${asked}) → ${e.answered}: Result=${e.result}${callbacks}   [action ${shortUrl(e.action, baseUrl)}]`;
    }
    case 'request':
      return `· ${e.status || 'ERR'} ${shortUrl(e.url, baseUrl)} (${e.ms} ms)`;
    case 'redirect':
      return `↪ redirect ${e.external ? `(external) ${e.url}` : shortUrl(e.url, baseUrl)}`;
    case 'dial':
      return `☎ dial ${e.kind === 'number' ? '' : `${e.kind}:`}${e.target}`;
    case 'hangup':
      return '✖ hangup';
    case 'http-error': {
      let why = '';
      if (e.status === 403) why = ' — signature rejected (check TWILIO_AUTH_TOKEN / the URL)';
      else if (e.status === 200) why = ' — response is not valid TwiML';
      const status = e.status === 0 ? 'no response' : `HTTP ${e.status}`;
      const body = oneLine(e.body);
      return `⚠ error: ${status} from ${e.url}${why}${body ? `\n${INDENT}${INDENT}${body}` : ''}`;
    }
  }
}

function baseOf(t: Transcript): string | undefined {
  const first = t.events.find((e) => e.type === 'request');
  if (!first) return undefined;
  const idx = first.url.indexOf('/voice/');
  return idx >= 0 ? first.url.slice(0, idx) : undefined;
}

function handedOnLine(t: Transcript): string {
  const h = t.handedOn;
  switch (h.kind) {
    case 'dial':
      return `☎ handed on: dial ${h.target ?? ''}`.trimEnd();
    case 'redirect':
      return `☎ handed on: redirect to ${h.target ?? ''}`.trimEnd();
    case 'module':
      return `☎ handed on: module ${h.target ?? ''}`.trimEnd();
    case 'hangup':
      return '☎ call ended: hangup';
    case 'ended':
      return '☎ call ended: document finished (Twilio hangs up)';
    case 'error':
      return `☎ call ended: error${h.target ? ` (${h.target})` : ''}`;
  }
}

export interface FormatOptions {
  /** Include one line per HTTP request (default false). */
  showRequests?: boolean;
}

export function formatTranscript(t: Transcript, options: FormatOptions = {}): string {
  const base = baseOf(t);
  const lines: string[] = [];
  lines.push(`Call ${t.callSid} from ${t.from} to ${t.to}, module ${t.code}`);
  for (const e of t.events) {
    if (e.type === 'request' && !options.showRequests) continue;
    const line = formatEvent(e, base);
    if (line !== undefined) lines.push(`${INDENT}${line}`);
  }
  lines.push(`${INDENT}${handedOnLine(t)}`);
  if (t.modulesVisited.length > 0) {
    lines.push(`${INDENT}modules visited: ${t.modulesVisited.join(' → ')}`);
  }
  for (const m of t.sms) {
    const seg = m.segments !== undefined ? ` (${m.segments} segment${m.segments === 1 ? '' : 's'})` : '';
    lines.push(`${INDENT}✉ SMS to ${m.to}${seg}: ${oneLine(m.body)}`);
  }
  const status = t.statusCallback === undefined ? 'not sent' : t.statusCallback.status === 0 ? 'failed (no response)' : `HTTP ${t.statusCallback.status}`;
  lines.push(`${INDENT}${t.requests} request(s); status callback: ${status}`);
  return lines.join('\n');
}
