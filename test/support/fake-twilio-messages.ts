/**
 * A local Twilio Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json with a form
 * body and basic auth, answered as Twilio does (201 with a message resource, or an error
 * status with Twilio's JSON error body). Every request is recorded for assertions.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  readonly path: string;
  readonly authorization: string;
  readonly form: Record<string, string>;
}

export interface FakeTwilioMessages {
  readonly url: string;
  readonly requests: SentMessage[];
  /** The next answers: undefined = accept (201). */
  failWith(answer: { status: number; code?: number; message?: string } | undefined): void;
  stop(): Promise<void>;
}

export async function startFakeTwilioMessages(): Promise<FakeTwilioMessages> {
  const requests: SentMessage[] = [];
  let failure: { status: number; code?: number; message?: string } | undefined;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', form });
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || !/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? ''))
        return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      if (failure)
        return json(failure.status, {
          code: failure.code ?? 20500,
          message: failure.message ?? 'An internal server error has occurred',
          more_info: 'https://www.twilio.com/docs/errors',
          status: failure.status,
        });
      json(201, {
        sid: `SM${String(requests.length).padStart(32, '0')}`,
        status: 'queued',
        to: form.To,
        from: form.From ?? null,
        body: form.Body,
        num_segments: '1',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failWith: (answer) => void (failure = answer),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
