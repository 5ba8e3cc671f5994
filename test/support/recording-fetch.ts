/**
 * Wraps a stack's fetch so a test sees every webhook answer of a call: HTTP status and the
 * TwiML parsed by the simulator's strict parser (which throws on invalid XML or verbs).
 */
import { parseTwiml, type TwimlVerb } from '../../tools/simulator/twiml-parser';

export interface WebhookAnswer {
  readonly path: string;
  readonly status: number;
  readonly body: string;
  readonly verbs: TwimlVerb[];
}

export function recordingFetch(inner: (input: string, init?: RequestInit) => Promise<Response>) {
  const answers: WebhookAnswer[] = [];
  const fetchImpl = async (input: string, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    const path = new URL(input).pathname;
    if (!path.startsWith('/voice/')) return response;
    const body = await response.text();
    answers.push({ path, status: response.status, body, verbs: parseTwiml(body) });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { answers, fetchImpl };
}

/** Every voice answer was a 200 with TwiML that parses and does something, and the last one hands the caller on. */
export function everyAnswerValid(answers: readonly WebhookAnswer[]): void {
  expect(answers.length).toBeGreaterThan(0);
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(answer.verbs.length).toBeGreaterThan(0);
  }
  const last = answers[answers.length - 1]?.verbs ?? [];
  expect(['Dial', 'Hangup', 'Redirect']).toContain(last[last.length - 1]?.verb);
}
