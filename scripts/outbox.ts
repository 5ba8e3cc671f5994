/**
 * `npm run outbox [-- --call <CallSid>] [-- --limit N]`: the latest messages the outbox SMS
 * sender stored, read from the running local stack (`npm start`) through GET /dev/outbox.
 */
import { LOCAL_DEFAULTS } from '../lib/config/app-config';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Listed {
  to: string;
  body: string;
  segments: number;
  encoding: string;
  callSid?: string;
  createdAt: string;
}

async function main(): Promise<void> {
  const base = (option('base-url') ?? `http://localhost:${process.env.PORT ?? LOCAL_DEFAULTS.port}`).replace(/\/+$/, '');
  const callSid = option('call');
  const res = await fetch(`${base}/dev/outbox${callSid ? `?callSid=${encodeURIComponent(callSid)}` : ''}`).catch(() => undefined);
  if (!res || res.status !== 200) throw new Error(`No outbox at ${base}/dev/outbox — is \`npm start\` running?`);
  const { messages } = (await res.json()) as { messages: Listed[] };
  const shown = messages.slice(0, Number(option('limit') ?? 10));
  if (shown.length === 0) console.log('The outbox is empty.');
  for (const m of shown)
    console.log(`${m.createdAt}  to ${m.to}  ${m.segments} segment(s), ${m.encoding}  call ${m.callSid ?? '-'}\n  ${m.body.replace(/\n/g, '\n  ')}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
