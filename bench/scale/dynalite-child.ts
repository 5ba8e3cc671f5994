/**
 * dynalite in its own process for `npm run bench:scale`, so the worker being measured has this
 * process's memory to itself and dynalite a core of its own. Prints its endpoint on stdout;
 * SIGTERM closes it (requests in flight answered first).
 */
import { startDynalite } from '../../infra/local/dynalite-server';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const dynalite = await startDynalite(dataDir ? { dataDir } : {});
  process.stdout.write(`${JSON.stringify({ endpoint: dynalite.endpoint })}\n`);
  const stop = () => void dynalite.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
