/**
 * The SMS a call sent, read from the stack's dev outbox (`GET /dev/outbox?callSid=…`): locally
 * messages land there instead of Twilio, so the transcript can show the payment link the
 * caller would have received.
 */
import type { FetchLike } from './request-signer';
import type { Transcript } from './transcript';

export type SentSms = Transcript['sms'][number];

export interface OutboxSource {
  baseUrl: string;
  fetchImpl: FetchLike;
  timeoutMs: number;
}

/** None when the outbox route does not exist (a deployed stage answers 404) or cannot be read. */
export async function readOutboxSms(source: OutboxSource, callSid: string): Promise<SentSms[]> {
  try {
    const res = await source.fetchImpl(`${source.baseUrl}/dev/outbox?callSid=${encodeURIComponent(callSid)}`, {
      signal: AbortSignal.timeout(source.timeoutMs),
    });
    if (res.status !== 200) return [];
    return messagesOf(await res.json()).flatMap(toSentSms);
  } catch {
    return [];
  }
}

function messagesOf(json: unknown): unknown[] {
  const messages = json && typeof json === 'object' ? (json as { messages?: unknown }).messages : undefined;
  return Array.isArray(messages) ? messages : [];
}

function toSentSms(m: unknown): SentSms[] {
  if (!m || typeof m !== 'object') return [];
  const { to, body, segments } = m as Record<string, unknown>;
  if (typeof to !== 'string' || typeof body !== 'string') return [];
  const sms: SentSms = { to, body };
  if (typeof segments === 'number') sms.segments = segments;
  return [sms];
}
