/** The built-in ledger: customers with balances, one customer's items, and imports with their error report. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Customer, type ImportProblem, type Item } from '../api';
import { useApp } from '../app-context';
import { ErrorBanner, Field } from './field';
import { formatAmount } from '../money';
import { fileParts, hasConfigurationSections } from '../../../lib/ledger/import/file-parts';

type ImportKind = 'json' | 'customers' | 'items';

/** A bulk import job as GET /ledger/imports/{id} answers it. */
interface ImportJob {
  id: string;
  kind: ImportKind;
  fileName?: string;
  dryRun: boolean;
  state: 'uploading' | 'queued' | 'validating' | 'rejected' | 'checked' | 'writing' | 'done' | 'failed' | 'cancelled';
  rows?: number;
  validated: number;
  written: number;
  problems?: ImportProblem[];
  problemCount?: number;
  counts?: Record<string, number>;
  startedAt?: string;
  elapsedMs?: number;
  estimateMs?: number;
  stalled: boolean;
  error?: string;
}

const FINISHED = ['rejected', 'checked', 'done', 'failed', 'cancelled'];

function duration(ms: number | undefined, digits: (s: string | number) => string): string {
  if (ms === undefined) return '';
  const seconds = Math.round(ms / 1000);
  return digits(`${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
}

function ProblemsTable(props: { problems: ImportProblem[]; json: boolean; more?: number }) {
  const { t, code, digits } = useApp();
  return (
    <div class="banner error" role="alert" data-testid="import-problems">
      <p>{t('importRejected')}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('rSection')}</th>
              <th>{props.json ? t('rRow') : t('rLine')}</th>
              <th>{t('rField')}</th>
              <th>{t('rMessage')}</th>
            </tr>
          </thead>
          <tbody>
            {props.problems.map((p, i) => (
              <tr key={i}>
                <td>{code(p.section)}</td>
                <td>{p.line !== undefined ? digits(p.line) : p.row >= 0 ? digits(p.row + 1) : ''}</td>
                <td dir="ltr">{p.field}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.more ? <p>{t('importMoreProblems', digits(props.more))}</p> : null}
    </div>
  );
}

/** Where a job is: state, rows checked and written, time spent and left, its problems, and a cancel button while it runs. */
function JobProgress(props: { job: ImportJob; onCancel: () => void }) {
  const { t, code, digits } = useApp();
  const { job } = props;
  const rows = job.rows ?? 0;
  const running = !FINISHED.includes(job.state);
  const summary = Object.entries(job.counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([section, n]) => `${digits(n)} ${code(section)}`)
    .join(', ');
  return (
    <div data-testid="import-job" data-state={job.state}>
      <p role="status" class={job.state === 'done' || job.state === 'checked' ? 'banner ok' : 'banner'}>
        {t('importJobState', code(`job.${job.state}`))}
        {job.fileName ? <span dir="ltr"> — {job.fileName}</span> : null}
      </p>
      {rows > 0 && (
        <div class="import-progress">
          <label>
            {t('importValidated', digits(job.validated), digits(rows))}
            <progress max={rows} value={job.validated} data-testid="import-validated" />
          </label>
          {!job.dryRun && (
            <label>
              {t('importWritten', digits(job.written), digits(rows))}
              <progress max={rows} value={job.written} data-testid="import-written" />
            </label>
          )}
          <p class="hint" data-testid="import-timing">
            {job.elapsedMs !== undefined ? t('importElapsed', duration(job.elapsedMs, digits)) : ''}
            {running && job.estimateMs !== undefined ? ` · ${t('importEstimate', duration(job.estimateMs, digits))}` : ''}
          </p>
        </div>
      )}
      {job.stalled && <p class="hint">{t('importStalled')}</p>}
      {job.state === 'done' && (
        <p class="banner ok" data-testid="import-result">
          {t('importDone', summary || digits(0))}
        </p>
      )}
      {job.state === 'checked' && (
        <p class="banner ok" data-testid="import-result">
          {t('importChecked', summary || digits(0))}
        </p>
      )}
      {job.state === 'cancelled' && <p class="banner">{t('importCancelled', digits(job.written))}</p>}
      {job.state === 'failed' && <p class="banner error">{t('importFailed', digits(job.written), job.error ?? '')}</p>}
      {job.state === 'rejected' && job.problems && (
        <ProblemsTable problems={job.problems} json={job.kind === 'json'} more={(job.problemCount ?? 0) - job.problems.length} />
      )}
      {running && (
        <button type="button" onClick={props.onCancel} data-testid="import-cancel">
          {t('importCancel')}
        </button>
      )}
    </div>
  );
}

function ImportCard(props: { onImported: () => void }) {
  const { t, code, digits, lang, meta } = useApp();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | undefined>();
  const [result, setResult] = useState<{ kind: 'checked' | 'done'; summary: string } | null>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [uploading, setUploading] = useState<{ part: number; parts: number } | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [recent, setRecent] = useState<ImportJob[]>([]);
  const following = useRef<string | null>(null);

  /** Polls a job every second until it finishes; the ledger list reloads when rows were written. */
  const follow = (id: string) => {
    following.current = id;
    const poll = async () => {
      if (following.current !== id) return;
      try {
        const { job: current } = await api<{ job: ImportJob }>(`/ledger/imports/${encodeURIComponent(id)}`);
        setJob(current);
        if (FINISHED.includes(current.state)) {
          following.current = null;
          if (current.written > 0) props.onImported();
          void loadRecent();
          return;
        }
      } catch (e) {
        setError((e as Error).message);
      }
      setTimeout(() => void poll(), 1000);
    };
    void poll();
  };

  const loadRecent = async () => {
    if (!meta.features.bulkImport) return;
    const { jobs } = await api<{ jobs: ImportJob[] }>('/ledger/imports', { query: { limit: 5 } });
    setRecent(jobs);
    return jobs;
  };

  useEffect(() => {
    // An import started earlier (another tab, `npm run import`) that is still running is followed here.
    void loadRecent()
      .then((jobs) => {
        const running = jobs?.find((j) => !FINISHED.includes(j.state) && j.state !== 'uploading');
        if (running) {
          setJob(running);
          follow(running.id);
        }
      })
      .catch(() => undefined);
    return () => {
      following.current = null;
    };
  }, []);

  /** The regular import: one request, for JSON documents with configuration (or where bulk jobs are not available). */
  const runInRequest = async (dryRun: boolean) => {
    const path = kind === 'json' ? '/ledger/import' : `/ledger/import/${kind}.csv`;
    let response: { counts: Record<string, number> };
    if (kind === 'json') {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      response = await api(path, {
        method: 'POST',
        ...(typeof body === 'string' ? { raw: { data: text, type: 'application/json' } } : { body }),
        query: { dryRun: dryRun ? 1 : undefined },
      });
    } else {
      response = await api(path, { method: 'POST', raw: { data: text, type: 'text/csv' }, query: { dryRun: dryRun ? 1 : undefined } });
    }
    const summary = Object.entries(response.counts)
      .filter(([, n]) => n > 0)
      .map(([section, n]) => `${digits(n)} ${code(section)}`)
      .join(lang === 'fa' ? '، ' : ', ');
    setResult({ kind: dryRun ? 'checked' : 'done', summary: summary || digits(0) });
    if (!dryRun) props.onImported();
  };

  /** A bulk import job: create it, upload the file in parts, start it, follow its progress. */
  const runAsJob = async (dryRun: boolean) => {
    const parts = fileParts(text);
    const { job: created } = await api<{ job: ImportJob }>('/ledger/imports', {
      method: 'POST',
      body: { kind, parts: parts.length, dryRun, ...(fileName ? { fileName } : {}) },
    });
    for (const [n, part] of parts.entries()) {
      setUploading({ part: n + 1, parts: parts.length });
      await api(`/ledger/imports/${created.id}/parts/${n}`, { method: 'PUT', raw: { data: part, type: kind === 'json' ? 'application/json' : 'text/csv' } });
    }
    setUploading(null);
    const { job: started } = await api<{ job: ImportJob }>(`/ledger/imports/${created.id}/start`, { method: 'POST' });
    setJob(started);
    follow(started.id);
  };

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setResult(null);
    setProblems(null);
    setError(undefined);
    setJob(null);
    try {
      if (!meta.features.bulkImport || (kind === 'json' && hasConfigurationSections(text))) await runInRequest(dryRun);
      else await runAsJob(dryRun);
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.problems)) setProblems(e.body.problems as ImportProblem[]);
      else setError((e as Error).message);
    } finally {
      setUploading(null);
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      const { job: stopped } = await api<{ job: ImportJob }>(`/ledger/imports/${job.id}/cancel`, { method: 'POST' });
      setJob(stopped);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const jobRunning = job !== null && !FINISHED.includes(job.state);
  return (
    <div class="card" data-testid="import-card">
      <h2>{t('importTitle')}</h2>
      <div class="grid">
        <Field
          id="import-kind"
          label={t('importKind')}
          hint={kind === 'customers' ? t('importCsvHelpCustomers') : kind === 'items' ? t('importCsvHelpItems') : undefined}
        >
          <select id="import-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as ImportKind)}>
            <option value="customers">{t('importCustomersCsv')}</option>
            <option value="items">{t('importItemsCsv')}</option>
            <option value="json">{t('importJson')}</option>
          </select>
        </Field>
        <Field id="import-file" label={t('importFile')}>
          <input
            id="import-file"
            type="file"
            accept={kind === 'json' ? '.json,application/json' : '.csv,text/csv'}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) {
                setFileName(file.name);
                void file.text().then(setText);
              }
            }}
          />
        </Field>
      </div>
      <Field id="import-text" label={t('importPaste')}>
        <textarea
          id="import-text"
          rows={6}
          dir="ltr"
          value={text.length > 200_000 ? `${text.slice(0, 200_000)}\n…` : text}
          readOnly={text.length > 200_000}
          onInput={(e) => {
            setFileName(undefined);
            setText(e.currentTarget.value);
          }}
        />
      </Field>
      <div class="actions">
        <button type="button" disabled={busy || jobRunning || !text} onClick={() => void run(true)} data-testid="import-check">
          {t('importCheck')}
        </button>
        <button type="button" class="primary" disabled={busy || jobRunning || !text} onClick={() => void run(false)} data-testid="import-run">
          {t('importRun')}
        </button>
      </div>
      {uploading && <p class="hint">{t('importUploading', digits(uploading.part), digits(uploading.parts))}</p>}
      <ErrorBanner message={error} />
      {job && <JobProgress job={job} onCancel={() => void cancel()} />}
      {result && (
        <p class="banner ok" role="status" data-testid="import-result">
          {result.kind === 'checked' ? t('importChecked', result.summary) : t('importDone', result.summary)}
        </p>
      )}
      {problems && <ProblemsTable problems={problems} json={kind === 'json'} />}
      {recent.length > 0 && (
        <details>
          <summary>{t('importRecent')}</summary>
          <div class="table-wrap">
            <table data-testid="import-recent">
              <thead>
                <tr>
                  <th>{t('importWhen')}</th>
                  <th>{t('importKindCol')}</th>
                  <th>{t('importStateCol')}</th>
                  <th>{t('importRows')}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((j) => (
                  <tr key={j.id}>
                    <td dir="ltr">{j.startedAt ? digits(j.startedAt.slice(0, 19).replace('T', ' ')) : ''}</td>
                    <td>{code(j.kind)}</td>
                    <td>{code(`job.${j.state}`)}</td>
                    <td class="num">{j.rows !== undefined ? `${digits(j.written)} / ${digits(j.rows)}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  );
}

function CustomerItems(props: { id: string; onClose: () => void }) {
  const { t, code, lang, meta } = useApp();
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    void api<{ customer: Customer & { items: Item[] } }>(`/ledger/customers/${encodeURIComponent(props.id)}`).then((r) => setItems(r.customer.items));
  }, [props.id]);
  return (
    <tr class="detail">
      <td colSpan={8}>
        {items === null ? (
          t('loading')
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('iType')}</th>
                <th>{t('iNumber')}</th>
                <th>{t('iAmount')}</th>
                <th>{t('iStatus')}</th>
                <th>{t('iAccount')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.type}/${item.number}`}>
                  <td>{code(item.type)}</td>
                  <td dir="ltr">{item.number}</td>
                  <td class="num">{formatAmount(lang, item.fields.FinalValue, item.currency ?? meta.ledgerCurrency)}</td>
                  <td>{item.status === 'paid' ? t('iPaid') : t('iOpen')}</td>
                  <td dir="ltr">{item.moneyAccount ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button onClick={props.onClose}>{t('close')}</button>
      </td>
    </tr>
  );
}

/** One line per currency the customer has items in; the reason instead when an amount cannot be read. */
function Balances(props: { customer: Customer; which: 'owed' | 'credit' }) {
  const { t, lang } = useApp();
  if (props.customer.balanceError) return <span class="field-error">{t('balanceUnreadable')}</span>;
  return (
    <>
      {props.customer.balances.map((b) => (
        <div key={b.currency} data-currency={b.currency}>
          {formatAmount(lang, b[props.which], b.currency)}
        </div>
      ))}
    </>
  );
}

export function LedgerPage() {
  const { t, digits } = useApp();
  const [search, setSearch] = useState('');
  const [customers, setCustomers] = useState<Customer[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  const [accounts, setAccounts] = useState<{ key: string; name: string; currency?: string }[]>([]);
  const [error, setError] = useState<string | undefined>();

  const load = async (after?: string) => {
    const page = await api<{ customers: Customer[]; nextCursor?: string }>('/ledger/customers', { query: { q: search, cursor: after, limit: 25 } });
    setCustomers((previous) => (after && previous ? [...previous, ...page.customers] : page.customers));
    setCursor(page.nextCursor);
  };
  const reload = () => void load().catch((e: unknown) => setError((e as Error).message));
  useEffect(() => {
    reload();
    void api<{ moneyAccounts: { key: string; name: string; currency?: string }[] }>('/ledger/money-accounts').then((r) => setAccounts(r.moneyAccounts));
  }, []);

  return (
    <section>
      <header class="page-head">
        <h1>{t('ledgerTitle')}</h1>
      </header>
      <p class="intro">{t('ledgerIntro')}</p>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          reload();
        }}
      >
        <input type="search" placeholder={t('searchHint')} aria-label={t('search')} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <button type="submit">{t('search')}</button>
      </form>
      <p class="hint">{t('importSearchHint')}</p>
      <ErrorBanner message={error} />
      {customers === null ? (
        <p>{t('loading')}</p>
      ) : customers.length === 0 ? (
        <p>{t('noCustomers')}</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="customers-table">
            <thead>
              <tr>
                <th>{t('cId')}</th>
                <th>{t('cNumber')}</th>
                <th>{t('cName')}</th>
                <th>{t('cMobile')}</th>
                <th>{t('cPhones')}</th>
                <th>{t('cOwed')}</th>
                <th>{t('cCredit')}</th>
                <th>{t('cItems')}</th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => [
                <tr key={c.id} class="clickable" onClick={() => setOpen(open === c.id ? null : c.id)} data-testid={`customer-${c.id}`}>
                  <td dir="ltr">{c.id}</td>
                  <td>{c.customerNumber ? digits(c.customerNumber) : ''}</td>
                  <td>{c.name ?? ''}</td>
                  <td dir="ltr">{c.mobile ?? ''}</td>
                  <td dir="ltr">{c.phones.join(', ')}</td>
                  <td class="num">
                    <Balances customer={c} which="owed" />
                  </td>
                  <td class="num">
                    <Balances customer={c} which="credit" />
                  </td>
                  <td class="num">{digits(c.itemCount)}</td>
                </tr>,
                open === c.id ? <CustomerItems key={`${c.id}-items`} id={c.id} onClose={() => setOpen(null)} /> : null,
              ])}
            </tbody>
          </table>
        </div>
      )}
      {cursor && <button onClick={() => void load(cursor)}>{t('loadMore')}</button>}
      {accounts.length > 0 && (
        <div class="card">
          <h2>{t('moneyAccounts')}</h2>
          <ul>
            {accounts.map((a) => (
              <li key={a.key}>
                <code dir="ltr">{a.key}</code> — {a.name} {a.currency ? <span dir="ltr">({a.currency})</span> : null}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ImportCard onImported={reload} />
    </section>
  );
}
