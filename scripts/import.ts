/**
 * `npm run import -- <file> [--stage local] [--url <base>] [--kind customers|items|json] [--dry-run]`
 *
 * A bulk import job through the admin API, exactly as the panel makes one: the file goes up in
 * parts, the job is started, and its progress is printed until it ends (every problem with its
 * line when the file is refused; nothing is written then). Ctrl-C cancels the job.
 *
 *   --stage local (default): the running `npm start` (http://localhost:$PORT, the local admin key)
 *   --url <base>:            a deployed stage's base URL; the key is ADMIN_API_KEY
 *   --kind:                  customers or items (CSV), json (a document of money accounts,
 *                            customers and items); by default from the file name and header
 *   --lang fa|en:            the language of the problems listed (default en)
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LOCAL_DEFAULTS } from '../lib/config/app-config';
import { fileParts, hasConfigurationSections } from '../lib/ledger/import/file-parts';

interface Job {
  id: string;
  state: string;
  rows?: number;
  validated: number;
  written: number;
  elapsedMs?: number;
  estimateMs?: number;
  counts?: Record<string, number>;
  problems?: { section: string; row: number; line?: number; field: string; message: string }[];
  problemCount?: number;
  error?: string;
}

const FINISHED = ['rejected', 'checked', 'done', 'failed', 'cancelled'];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function kindOf(file: string, text: string): 'customers' | 'items' | 'json' {
  const given = option('kind');
  if (given) {
    if (given !== 'customers' && given !== 'items' && given !== 'json') throw new UsageError(`--kind must be customers, items or json, not "${given}"`);
    return given;
  }
  if (extname(file).toLowerCase() === '.json') return 'json';
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return header
    .split(',')
    .map((c) => c.trim())
    .includes('customerId')
    ? 'items'
    : 'customers';
}

const clock = (ms: number | undefined) => {
  if (ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (!file) throw new UsageError('usage: npm run import -- <file> [--stage local] [--url <base>] [--kind customers|items|json] [--dry-run]');
  const stage = option('stage') ?? 'local';
  const url = option('url') ?? (stage === 'local' ? `http://localhost:${process.env.PORT ?? LOCAL_DEFAULTS.port}` : undefined);
  if (!url) throw new UsageError(`--stage ${stage}: give the stage's base URL with --url (and its key in ADMIN_API_KEY)`);
  const key = process.env.ADMIN_API_KEY ?? (stage === 'local' ? LOCAL_DEFAULTS.adminApiKey : undefined);
  if (!key) throw new UsageError('set ADMIN_API_KEY to the stage’s admin key');
  const text = readFileSync(file, 'utf8');
  const kind = kindOf(file, text);
  if (kind === 'json' && hasConfigurationSections(text))
    throw new UsageError(
      'this document has modules, destinations or lookup sources: import it with the panel’s regular import (POST /admin/api/ledger/import)',
    );
  const dryRun = process.argv.includes('--dry-run');

  const api = async <T>(method: string, path: string, body?: { json?: unknown; text?: string }): Promise<T> => {
    const res = await fetch(`${url.replace(/\/+$/, '')}/admin/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        'Accept-Language': option('lang') === 'fa' ? 'fa' : 'en',
        ...(body?.json !== undefined ? { 'Content-Type': 'application/json' } : body?.text !== undefined ? { 'Content-Type': 'text/csv' } : {}),
      },
      ...(body?.json !== undefined ? { body: JSON.stringify(body.json) } : body?.text !== undefined ? { body: body.text } : {}),
    }).catch((error: unknown) => {
      throw new Error(`no admin API at ${url} (is \`npm start\` running?): ${(error as Error).message}`);
    });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${String(answer.error ?? '')} ${String(answer.message ?? '')}`.trim());
    return answer as T;
  };

  const parts = fileParts(text);
  const { job: created } = await api<{ job: Job }>('POST', '/ledger/imports', { json: { kind, parts: parts.length, fileName: basename(file), dryRun } });
  for (const [n, part] of parts.entries()) {
    process.stdout.write(`\ruploading part ${n + 1} of ${parts.length}`);
    await api('PUT', `/ledger/imports/${created.id}/parts/${n}`, { text: part });
  }
  let job = (await api<{ job: Job }>('POST', `/ledger/imports/${created.id}/start`)).job;
  const cancel = () => {
    process.stdout.write('\ncancelling…\n');
    void api('POST', `/ledger/imports/${created.id}/cancel`).finally(() => process.exit(130));
  };
  process.once('SIGINT', cancel);
  while (!FINISHED.includes(job.state)) {
    const rows = job.rows ?? 0;
    const line =
      job.state === 'writing'
        ? `writing ${job.written.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows · ${clock(job.elapsedMs)} elapsed · about ${clock(job.estimateMs)} left`
        : `${job.state} ${job.validated.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows checked · ${clock(job.elapsedMs)} elapsed`;
    process.stdout.write(`\r${line.padEnd(90)}`);
    await new Promise((r) => setTimeout(r, 1000));
    job = (await api<{ job: Job }>('GET', `/ledger/imports/${created.id}`)).job;
  }
  process.off('SIGINT', cancel);
  const counts = Object.entries(job.counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([section, n]) => `${n.toLocaleString('en-US')} ${section}`)
    .join(', ');
  process.stdout.write('\r'.padEnd(92) + '\r');
  if (job.state === 'done') console.log(`Imported ${counts} in ${clock(job.elapsedMs)} (job ${job.id}).`);
  else if (job.state === 'checked') console.log(`Everything is valid: ${counts}. Nothing was written (--dry-run).`);
  else if (job.state === 'rejected') {
    console.log(`Nothing was imported: ${job.problemCount ?? 0} problem(s).`);
    for (const p of job.problems ?? [])
      console.log(`  ${p.line !== undefined ? `line ${p.line}` : p.row >= 0 ? `${p.section} row ${p.row + 1}` : p.section}  ${p.field}: ${p.message}`);
    if ((job.problemCount ?? 0) > (job.problems?.length ?? 0)) console.log(`  … and ${(job.problemCount ?? 0) - (job.problems?.length ?? 0)} more.`);
  } else console.log(`The import ${job.state} after ${job.written.toLocaleString('en-US')} rows${job.error ? `: ${job.error}` : ''}.`);
  if (job.state !== 'done' && job.state !== 'checked') process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
