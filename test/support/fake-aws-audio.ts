/**
 * Local HTTP servers speaking the real REST protocols of the two AWS services speech needs, so
 * the SDK's whole request path (signing, serialisation, error parsing) runs in tests:
 *   Polly  POST /v1/speech over HTTP/2 like the real endpoint (the SDK's Polly client only
 *          speaks HTTP/2); JSON in, audio stream out; errors as x-amzn-ErrorType + JSON
 *   S3     path-style HEAD / GET / PUT /<bucket>/<key> (errors as XML)
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import { createServer as createH2cServer, type Http2Server, type Http2ServerRequest } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { unescapeXml } from './xml-text';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'] | Http2ServerRequest['headers'];
  readonly body: Buffer;
}

export interface FakeServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Make the next requests fail with this HTTP status (until reset with undefined). */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

type Req = IncomingMessage | Http2ServerRequest;
/** What the fakes use of an HTTP/1.1 or HTTP/2 response (their writeHead overloads differ in @types/node 22). */
interface Res {
  writeHead(statusCode: number, headers: OutgoingHttpHeaders): unknown;
  end(body?: string | Uint8Array): unknown;
}
type AnyServer = Server | Http2Server;

async function listen(
  handler: (req: Req, body: Buffer, res: Res) => void,
  requests: RecordedRequest[],
  failure: { status?: number | undefined },
  http2 = false,
): Promise<{ server: AnyServer; endpoint: string }> {
  const onRequest = (req: Req, res: Res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (failure.status) {
        res.writeHead(failure.status, { 'content-type': 'application/xml', 'x-amzn-errortype': 'ServiceFailureException' });
        res.end(req.method === 'HEAD' ? '' : '<Error><Code>InternalError</Code><Message>injected failure</Message></Error>');
        return;
      }
      handler(req, body, res);
    });
  };
  const server: AnyServer = http2 ? createH2cServer(onRequest) : createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** listen() with every answer held back by a delay a test can change while the server runs. */
async function listenDelayed(
  answer: (req: Req, body: Buffer, res: Res) => void,
  requests: RecordedRequest[],
  failure: { status?: number | undefined },
  http2 = false,
): Promise<{ server: AnyServer; endpoint: string; control: { delayMs: number }; timers: Set<NodeJS.Timeout> }> {
  const control = { delayMs: 0 };
  // Held-back answers, cleared by stop(): a timer left behind would fire after the test file ended.
  const timers = new Set<NodeJS.Timeout>();
  const { server, endpoint } = await listen(
    (req, body, res) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(req, body, res);
      }, control.delayMs);
      timers.add(timer);
    },
    requests,
    failure,
    http2,
  );
  return { server, endpoint, control, timers };
}

/** The fake with a live delayMs property that reads and sets the server's delay. */
function withDelay<T extends object>(control: { delayMs: number }, fake: T): NoInfer<T> & { delayMs: number } {
  return Object.defineProperty(fake, 'delayMs', {
    get: () => control.delayMs,
    set: (ms: number) => void (control.delayMs = ms),
    enumerable: true,
  }) as T & { delayMs: number };
}

function stopper(server: AnyServer, timers: Set<NodeJS.Timeout>, sessions?: Set<{ destroy(): void }>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
      for (const session of sessions ?? []) session.destroy();
    });
}

/** Polly: answers SynthesizeSpeech with a fake MP3 whose bytes depend on the text. */
export async function startFakePolly(): Promise<FakeServer & { synthesized: string[]; delayMs: number }> {
  const requests: RecordedRequest[] = [];
  const synthesized: string[] = [];
  const failure: { status?: number | undefined } = {};
  const { server, endpoint, control, timers } = await listenDelayed(answer, requests, failure, true);
  function answer(req: Req, body: Buffer, res: Res): void {
    if (req.method !== 'POST' || req.url !== '/v1/speech') {
      res.writeHead(404, { 'x-amzn-errortype': 'UnknownOperationException', 'content-type': 'application/json' });
      res.end('{"message":"unknown operation"}');
      return;
    }
    const input = JSON.parse(body.toString('utf8')) as { Text?: string; VoiceId?: string; OutputFormat?: string };
    if (!input.Text || !input.VoiceId || input.OutputFormat !== 'mp3') {
      res.writeHead(400, { 'x-amzn-errortype': 'InvalidParameterValueException', 'content-type': 'application/json' });
      res.end('{"message":"bad request"}');
      return;
    }
    synthesized.push(input.Text);
    const audio = Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.from(`mp3:${input.VoiceId}:${input.Text}`)]);
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'x-amzn-requestcharacters': String(input.Text.length) });
    res.end(audio);
  }
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (session: { destroy(): void; on(e: 'close', f: () => void): void }) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return withDelay(control, {
    endpoint,
    requests,
    synthesized,
    failWith: (s: number | undefined) => void (failure.status = s),
    stop: stopper(server, timers, sessions),
  });
}

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly cacheControl: string | undefined;
}

/** S3, path style: one in-memory bucket. */
export async function startFakeS3(bucket: string): Promise<FakeServer & { objects: Map<string, StoredObject>; delayMs: number }> {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, StoredObject>();
  const failure: { status?: number | undefined } = {};
  const { server, endpoint, control, timers } = await listenDelayed(answer, requests, failure);
  function answer(req: Req, body: Buffer, res: Res): void {
    const url = new URL(req.url ?? '/', 'http://s3');
    const prefix = `/${bucket}/`;
    // DeleteObjects: POST /<bucket>?delete with the keys in XML; Quiet answers list only errors.
    if (req.method === 'POST' && url.searchParams.has('delete') && (url.pathname === `/${bucket}` || url.pathname === prefix)) {
      const keys = [...body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1] as string));
      for (const key of keys) objects.delete(key);
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>');
      return;
    }
    const key = decodeURIComponent(url.pathname.slice(prefix.length));
    if (req.method === 'PUT') {
      objects.set(key, { body, contentType: req.headers['content-type'], cacheControl: req.headers['cache-control'] as string | undefined });
      res.writeHead(200, { etag: '"fake"' });
      res.end();
      return;
    }
    const object = objects.get(key);
    if (!object) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? '' : '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      return;
    }
    res.writeHead(200, {
      'content-type': object.contentType ?? 'binary/octet-stream',
      'content-length': object.body.length,
      etag: '"fake"',
      ...(object.cacheControl ? { 'cache-control': object.cacheControl } : {}),
    });
    res.end(req.method === 'HEAD' ? '' : object.body);
  }
  return withDelay(control, {
    endpoint,
    requests,
    objects,
    failWith: (s: number | undefined) => void (failure.status = s),
    stop: stopper(server, timers),
  });
}
