/**
 * Embedded DynamoDB (dynalite, a real DynamoDB API on LevelDB) for the local stack and tests.
 *
 * dynalite's own close() closes the database as soon as the last connection has gone, even when
 * a request is still being worked on (a client that gave up and destroyed its socket leaves
 * its Query running): the Query then runs against a closed database, or, in jest, after the test
 * file's module registry has been torn down ("Cannot destructure property 'Readable' of
 * 'require(...)'"). So this wrapper counts requests until dynalite has answered them, and
 * close() stops taking requests, waits for those to be answered, and only then closes.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface RunningDynalite {
  readonly endpoint: string;
  /** Requests dynalite has received and not answered yet. */
  readonly inFlight: number;
  /** Stops taking requests, waits for those in flight to be answered, then closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Another process (or another dynalite in this one) holds LevelDB's lock on the folder. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    options?: ErrorOptions,
  ) {
    super(`the data folder ${dataDir} is locked by another process (LevelDB lock)`, options);
  }
}

/** How long close() lets requests in flight finish before it cuts their connections. */
const DRAIN_TIMEOUT_MS = 10_000;

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * dynalite opens its folder lazily and, when LevelDB's lock is held elsewhere, only fails on
 * the first request, with an uncaught "Database is not open". Opening the folder first with
 * the same `level` package dynalite uses turns that into a DataDirInUseError before anything
 * starts. (A second start in the few milliseconds between this probe and dynalite's own open
 * would still slip through; two people typing `npm start` do not race that closely.)
 */
async function assertDataDirFree(dataDir: string): Promise<void> {
  const { Level } = createRequire(require.resolve('dynalite'))('level') as { Level: new (location: string) => LevelDatabase };
  const probe = new Level(dataDir);
  try {
    await probe.open();
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED') throw new DataDirInUseError(dataDir, { cause: error });
    throw error;
  }
  await probe.close();
}

/** `dataDir` keeps data between runs; without it the data lives in memory. Port 0 picks a free one. */
export async function startDynalite(options: { port?: number; dataDir?: string } = {}): Promise<RunningDynalite> {
  if (options.dataDir) await assertDataDirFree(options.dataDir);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) }) as Server;

  // Put a counter in front of dynalite's request handler: a request counts until dynalite ends its answer.
  const handle = server.listeners('request')[0] as RequestListener;
  server.removeAllListeners('request');
  let inFlight = 0;
  let closing = false;
  let onDrained: (() => void) | undefined;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      // A keep-alive connection may still carry a request after close(): it must not reach a closing database.
      res.writeHead(503, { connection: 'close', 'content-type': 'text/plain' }).end('dynalite is stopping');
      return;
    }
    inFlight += 1;
    let answered = false;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (!answered) {
        answered = true;
        inFlight -= 1;
        if (inFlight === 0) onDrained?.();
      }
      return end(...args);
    }) as ServerResponse['end'];
    handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const drained = () =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const timer = setTimeout(() => resolve(), DRAIN_TIMEOUT_MS);
      onDrained = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        // dynalite's close(): stop listening, wait until every connection has gone, then close LevelDB.
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        void drained().then(() => server.closeAllConnections());
      })),
  };
}
