/** Embedded DynamoDB (dynalite, a real DynamoDB API on LevelDB) for the local stack and tests. */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface RunningDynalite {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** `dataDir` keeps data between runs; without it the data lives in memory. Port 0 picks a free one. */
export async function startDynalite(options: { port?: number; dataDir?: string } = {}): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
