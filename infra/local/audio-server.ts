/**
 * The local stack's front door. Binary responses through serverless-offline's Lambda emulation
 * are fragile, so audio is served here as plain files and everything else is proxied to
 * serverless-offline unchanged:
 *   GET /audio/manifest.json      every clip pack's manifest merged ({ clips: { key: text } })
 *   GET /audio/clips/<lang>/<f>   infra/audio/clips/<lang>/<f>
 *   GET /audio/<other path>       the local audio store (AUDIO_DIR: tts/, uploads/)
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = { '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.json': 'application/json; charset=utf-8' };

export interface AudioServerOptions {
  readonly port: number;
  /** infra/audio/clips: one folder per language with <key>.wav and manifest.json. */
  readonly clipsDir: string;
  /** The local audio store's folder. */
  readonly audioDir: string;
  /** serverless-offline, where every non-audio request goes. */
  readonly upstreamPort: number;
}

export interface RunningAudioServer {
  readonly server: Server;
  stop(): Promise<void>;
}

/** Path inside root, or undefined when the request tries to leave it. */
function inside(root: string, relative: string): string | undefined {
  const path = resolve(root, relative);
  return path.startsWith(resolve(root) + sep) ? path : undefined;
}

async function mergedManifest(clipsDir: string): Promise<string> {
  const clips: Record<string, string> = {};
  for (const language of await readdir(clipsDir).catch(() => [] as string[])) {
    const text = await readFile(join(clipsDir, language, 'manifest.json'), 'utf8').catch(() => undefined);
    if (text) Object.assign(clips, (JSON.parse(text) as { clips?: Record<string, string> }).clips ?? {});
  }
  return JSON.stringify({ clips });
}

async function sendFile(res: ServerResponse, path: string | undefined, method: string): Promise<void> {
  const type = path ? CONTENT_TYPES[extname(path).toLowerCase()] : undefined;
  const info = path && type ? await stat(path).catch(() => undefined) : undefined;
  if (!path || !type || !info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // Names are content hashes or fixed clip keys: let Twilio and browsers cache them.
  res.writeHead(200, { 'content-type': type, 'content-length': info.size, 'cache-control': 'public, max-age=86400' });
  if (method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
}

async function serveAudio(options: AudioServerOptions, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice('/audio/'.length));
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (rest === 'manifest.json') {
    const body = await mergedManifest(options.clipsDir);
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json'] ?? 'application/json', 'cache-control': 'no-cache' }).end(method === 'HEAD' ? undefined : body);
    return;
  }
  const path = rest.startsWith('clips/') ? inside(options.clipsDir, rest.slice('clips/'.length)) : inside(options.audioDir, rest);
  await sendFile(res, path, method);
}

function proxy(agent: Agent, upstreamPort: number, req: IncomingMessage, res: ServerResponse): void {
  const upstream = httpRequest({ agent, host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('local stack: serverless-offline is not answering');
  });
  req.pipe(upstream);
}

export async function startAudioServer(options: AudioServerOptions): Promise<RunningAudioServer> {
  // Its own keep-alive pool to serverless-offline, so stop() can close those sockets too
  // (the global agent's would outlive the server and keep the process, or a jest worker, busy).
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    if (pathname.startsWith('/audio/')) {
      serveAudio(options, req, res, pathname).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    } else {
      proxy(agent, options.upstreamPort, req, res);
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error) => {
      agent.destroy();
      reject(error);
    });
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  let stopped: Promise<void> | undefined;
  return {
    server,
    stop: () =>
      (stopped ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
}
