/**
 * `npm start`: the whole product on this machine.
 *   1. dynalite (embedded DynamoDB), data in .data/dynalite (DATA_DIR overrides .data; delete it, or
 *      `npm run reset`, to start fresh)
 *   2. the tables from infra/tables.json
 *   3. infra/seed/demo.json (keyed writes: loading twice changes nothing)
 *   4. serverless-offline serving the real handlers, behind a small front server on
 *      http://localhost:3000 (PORT overrides) that also serves audio under /audio/ (clip pack,
 *      cached TTS and uploads from .data/audio)
 * A second `npm start` on a data folder in use stops with one line saying so (LevelDB's lock).
 * Ctrl-C stops everything it started.
 */
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig, LOCAL_DEFAULTS, type AppConfig } from '../lib/config/app-config';
import { DynamoModuleStore } from '../lib/config/dynamo-module-store';
import { createTables, localDynamoClient } from './local/create-tables';
import { DataDirInUseError, startDynalite } from './local/dynalite-server';
import { loadSeed } from './local/load-seed';
import { rebuildLedgerSummaries } from './ledger-summaries';
import { startAudioServer } from './local/audio-server';
import { Cleanups } from './local/cleanups';
import { assertPortFree, freePort, PortInUseError, startServerlessOffline } from './local/serverless-offline';

export const ROOT = resolve(__dirname, '..');

export interface LocalStackOptions {
  readonly port: number;
  /** Folder for dynalite's data; undefined keeps it in memory (tests). */
  readonly dataDir?: string;
  readonly seedFile?: string;
  /** Local audio store (uploads, cached TTS); default .data/audio. */
  readonly audioDir?: string;
  readonly env?: Record<string, string>;
  readonly echo?: boolean;
  /** serverless-offline --useInProcess (the load bench: no worker thread cold start per concurrent request). */
  readonly inProcess?: boolean;
}

export interface LocalStack {
  readonly baseUrl: string;
  readonly dynamoEndpoint: string;
  readonly audioDir: string;
  readonly config: AppConfig;
  readonly documentClient: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // Everything started so far, stopped in reverse order by stop() or when a later step fails.
  const started = new Cleanups();
  try {
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    const dynamo = await startDynalite(options.dataDir ? { dataDir: options.dataDir } : {});
    let client: DynamoDBClient | undefined;
    // dynalite answers what is in flight before it closes; the client goes after its last request.
    started.add(async () => {
      try {
        await dynamo.close();
      } finally {
        client?.destroy();
      }
    });
    // Before anything slow (serverless-offline takes seconds): a taken port would only show at the end.
    await assertPortFree(options.port);
    const audioDir = resolve(options.audioDir ?? join(ROOT, '.data', 'audio'));
    await mkdir(audioDir, { recursive: true });
    const env: Record<string, string> = {
      STAGE: LOCAL_DEFAULTS.stage,
      PORT: String(options.port),
      PUBLIC_BASE_URL: `http://localhost:${options.port}`,
      TWILIO_AUTH_TOKEN: process.env.TWILIO_AUTH_TOKEN ?? LOCAL_DEFAULTS.twilioAuthToken,
      ADMIN_API_KEY: process.env.ADMIN_API_KEY ?? LOCAL_DEFAULTS.adminApiKey,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      CONFIG_CACHE_SECONDS: '0',
      AUDIO_DIR: audioDir,
      CLIPS_DIR: join(ROOT, 'infra', 'audio', 'clips'),
      ...options.env,
    };
    const config = loadConfig({ ...env, IS_OFFLINE: 'true' });
    client = localDynamoClient(dynamo.endpoint);
    const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const created = await createTables(client, config.tables);
    if (options.seedFile) await loadSeed(options.seedFile, documentClient, config);
    // A data folder from before the customer summaries: its ledger table was rebuilt with the new index; fill it.
    if (created.rebuilt?.includes(config.tables.ledger)) await rebuildLedgerSummaries(documentClient, config.tables.ledger, config);
    const offlinePort = await freePort();
    const offline = await startServerlessOffline({
      root: ROOT,
      port: offlinePort,
      env,
      ...(options.echo ? { echo: true } : {}),
      ...(options.inProcess ? { inProcess: true } : {}),
    });
    started.add(() => offline.stop());
    const front = await startAudioServer({ port: options.port, upstreamPort: offlinePort, clipsDir: join(ROOT, 'infra', 'audio', 'clips'), audioDir });
    started.add(() => front.stop());
    return {
      baseUrl: config.publicBaseUrl,
      dynamoEndpoint: dynamo.endpoint,
      audioDir,
      config,
      documentClient,
      // The front door first, then serverless-offline (no more requests to dynalite), then dynalite and its client.
      stop: () => started.run(),
    };
  } catch (error) {
    return started.failed(error);
  }
}

/** What `npm start` says, in one line, when another one holds its data folder or port; undefined for other failures. */
export function startFailureMessage(error: unknown, port: number): string | undefined {
  const beside = `PORT=${port + 1} DATA_DIR=.data-${port + 1} npm start`;
  if (error instanceof DataDirInUseError) {
    const inside = relative(ROOT, error.dataDir);
    const folder = inside && !inside.startsWith('..') ? inside : error.dataDir;
    return `The data folder ${folder} is in use by another \`npm start\`: stop that one (Ctrl-C in its terminal), or start this one beside it with its own port and data folder: ${beside}`;
  }
  if (error instanceof PortInUseError) {
    return `Port ${error.port} is in use (another \`npm start\`?): stop that one, or start this one beside it with its own port and data folder: ${beside}`;
  }
  return undefined;
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? LOCAL_DEFAULTS.port);
  // DATA_DIR lets a second `npm start` run beside the first (LevelDB allows one process per folder).
  const dataDir = resolve(ROOT, process.env.DATA_DIR || '.data');
  const shownDataDir = `${relative(ROOT, dataDir) || '.'}/`;
  const seedFile = join(ROOT, 'infra', 'seed', 'demo.json');
  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // Ctrl-C during the start: exiting is enough (serverless-offline's process group is killed on exit).
    if (!stack) process.exit(130);
    console.log('\nStopping …');
    try {
      await stack.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log('Starting balance-ivr locally: dynalite + serverless-offline …');
  // Persian text an operator types is spoken locally by espeak-ng when it is installed and no
  // Persian synthesizer was chosen (tests choose explicitly, so they never depend on it).
  const espeak =
    !process.env.PERSIAN_TTS && !process.env.AZURE_SPEECH_REGION && spawnSync(process.env.ESPEAK_COMMAND || 'espeak-ng', ['--version']).status === 0;
  stack = await startLocalStack({
    port,
    dataDir: join(dataDir, 'dynalite'),
    audioDir: join(dataDir, 'audio'),
    seedFile,
    echo: process.env.ECHO_OFFLINE === '1',
    ...(espeak ? { env: { PERSIAN_TTS: 'espeak' } } : {}),
  });
  const modules = await new DynamoModuleStore(stack.documentClient, stack.config.tables.config).listModules();
  const base = `http://localhost:${port}`;
  console.log(`\nbalance-ivr is running on ${base}  (DynamoDB: ${stack.dynamoEndpoint}, data in ${shownDataDir})`);
  console.log(
    `Twilio auth token for signatures: ${stack.config.twilioAuthToken === LOCAL_DEFAULTS.twilioAuthToken ? `${LOCAL_DEFAULTS.twilioAuthToken} (local default)` : '(from TWILIO_AUTH_TOKEN)'}`,
  );
  const adminKey = stack.config.adminApiKey === LOCAL_DEFAULTS.adminApiKey ? `${LOCAL_DEFAULTS.adminApiKey} (local default)` : '(from ADMIN_API_KEY)';
  console.log(`Admin panel: ${base}/admin   admin key: ${adminKey}   API: ${base}/admin/api/openapi.json`);
  console.log(`Status callback: POST ${base}/status`);
  console.log(
    `Audio: ${base}/audio/manifest.json, ${base}/audio/clips/fa/<key>.wav, uploads and cached TTS from ${join(shownDataDir, 'audio')} (English prompts use <Say> locally: TTS_MODE=${stack.config.speech.ttsMode})`,
  );
  console.log(
    `Persian voice: ${stack.config.speech.persianTts === 'none' ? 'clip pack and recordings only (install espeak-ng, or set AZURE_SPEECH_REGION and AZURE_SPEECH_KEY, to speak typed Persian text)' : stack.config.speech.persianTts === 'espeak' ? 'espeak-ng speaks typed Persian text (PERSIAN_TTS=espeak)' : `Azure AI Speech, ${stack.config.speech.azure.voice}`}\n\nModules (Voice webhook: POST):`,
  );
  for (const m of modules.sort((a, b) => a.code.localeCompare(b.code))) {
    const kind = m.kind === 'club' ? `club: ${m.identification}, then ${m.nextDestination}` : 'balance';
    console.log(`  ${m.code.padEnd(20)} ${base}/voice/${m.code}   [${m.language}] ${m.name} (${kind})${m.enabled ? '' : ' (disabled)'}`);
  }
  console.log(`\nThe demo's numbers reach a customer club first (demo telephone passwords: 1001 → 4321, 1004 → 1357, 2001 → 2468).`);
  console.log(
    `\nPlace a simulated call, e.g.:\n  npm run call -- club-fa --from 09121111111\n  npm run call -- club-en --from +15009999999 --digits 2001\n  npm run call -- club-en-password --from +15009999999 --digits 2001,2468\n  npm run call -- balance-en --from +15005550001\n  npm run call -- balance-fa --from 09121111111\n  npm run call -- balance-fa-mobile --from +989121111111 --digits 09121111111,1\n\nPayment link by SMS (outbox; \`npm run outbox\` lists messages, open the link in a browser to pay in the sandbox):\n  npm run call -- pay-en --from +15005550001 --digits 09125550001\n  npm run call -- pay-fa --from 09121111111 --digits 09121111111,1002   (pays invoice 1002)\n\nCtrl-C stops everything.`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // One line, no stack: these are situations to act on, not bugs.
    console.error(startFailureMessage(error, Number(process.env.PORT ?? LOCAL_DEFAULTS.port)) ?? (error instanceof Error ? error.message : error));
    process.exit(1);
  });
}
