/**
 * Calls through handleVoiceStep in this process: the call simulator's requests are answered
 * by the real voice step with the adapters a test chooses (a counting CRM, a clock), so
 * whole calls can be asserted on their transcript without starting serverless-offline.
 */
import { PROMPT_CATALOGUE } from '../../lib/speech/prompt-catalogue';
import { placeCall, type PlaceCallOptions, type Transcript } from '../../tools/simulator/call-simulator';
import { handleVoiceStep, type VoiceDeps } from '../../lib/voice/voice-step';

export const BASE_URL = 'http://ivr.test';

export function inProcessFetch(deps: () => VoiceDeps): NonNullable<PlaceCallOptions['fetchImpl']> {
  return async (input, init) => {
    const url = new URL(input);
    if (url.pathname === '/audio/manifest.json') return Response.json({ clips: PERSIAN_PROMPT_CLIPS });
    const match = /^\/voice\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return new Response('not found', { status: 404 });
    const params = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')));
    const body = await handleVoiceStep(deps(), {
      code: decodeURIComponent(match[1] as string),
      step: match[2] ?? 'entry',
      turn: url.searchParams.get('t') ?? undefined,
      params,
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/xml' } });
  };
}

// So the transcript of a Persian call reads as Persian text rather than clip URLs.
const PERSIAN_PROMPT_CLIPS = Object.fromEntries(Object.entries(PROMPT_CATALOGUE.fa).map(([key, text]) => [`prompt-${key}`, text]));

export function callInProcess(deps: () => VoiceDeps, code: string, from: string, options: Partial<PlaceCallOptions> = {}): Promise<Transcript> {
  return placeCall({ baseUrl: BASE_URL, code, from, statusCallback: false, fetchImpl: inProcessFetch(deps), ...options });
}

/** Everything the caller heard, in order: <Say> text and the transcript of every <Play>. */
export function heard(t: Transcript): string {
  return t.events.flatMap((e) => (e.type === 'say' ? [e.text] : e.type === 'play' ? [e.transcript] : [])).join(' ');
}
