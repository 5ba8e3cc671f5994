/** The built-in ledger: customers with balances, one customer's items, and imports with their error report. */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Customer, type ImportProblem, type Item } from '../api';
import { useApp } from '../app-context';
import { ErrorBanner, Field } from './field';
import { formatAmount } from '../money';

type ImportKind = 'json' | 'customers' | 'items';

function ImportCard(props: { onImported: () => void }) {
  const { t, code, digits, lang } = useApp();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ kind: 'checked' | 'done'; summary: string } | null>(null);
  const [problems, setProblems] = useState<ImportProblem[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setResult(null);
    setProblems(null);
    setError(undefined);
    try {
      const path = kind === 'json' ? '/ledger/import' : `/ledger/import/${kind}.csv`;
      let response: { counts: Record<string, number> };
      if (kind === 'json') {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        response = await api(path, { method: 'POST', ...(typeof body === 'string' ? { raw: { data: text, type: 'application/json' } } : { body }), query: { dryRun: dryRun ? 1 : undefined } });
      } else {
        response = await api(path, { method: 'POST', raw: { data: text, type: 'text/csv' }, query: { dryRun: dryRun ? 1 : undefined } });
      }
      const summary = Object.entries(response.counts)
        .filter(([, n]) => n > 0)
        .map(([section, n]) => `${digits(n)} ${code(section)}`)
        .join(lang === 'fa' ? '، ' : ', ');
      setResult({ kind: dryRun ? 'checked' : 'done', summary: summary || digits(0) });
      if (!dryRun) props.onImported();
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.problems)) setProblems(e.body.problems as ImportProblem[]);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="card" data-testid="import-card">
      <h2>{t('importTitle')}</h2>
      <div class="grid">
        <Field id="import-kind" label={t('importKind')} hint={kind === 'customers' ? t('importCsvHelpCustomers') : kind === 'items' ? t('importCsvHelpItems') : undefined}>
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
              if (file) void file.text().then(setText);
            }}
          />
        </Field>
      </div>
      <Field id="import-text" label={t('importPaste')}>
        <textarea id="import-text" rows={6} dir="ltr" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="button" disabled={busy || !text} onClick={() => void run(true)} data-testid="import-check">
          {t('importCheck')}
        </button>
        <button type="button" class="primary" disabled={busy || !text} onClick={() => void run(false)} data-testid="import-run">
          {t('importRun')}
        </button>
      </div>
      <ErrorBanner message={error} />
      {result && (
        <p class="banner ok" role="status" data-testid="import-result">
          {result.kind === 'checked' ? t('importChecked', result.summary) : t('importDone', result.summary)}
        </p>
      )}
      {problems && (
        <div class="banner error" role="alert" data-testid="import-problems">
          <p>{t('importRejected')}</p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('rSection')}</th>
                  <th>{kind === 'json' ? t('rRow') : t('rLine')}</th>
                  <th>{t('rField')}</th>
                  <th>{t('rMessage')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
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
        </div>
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
                  <td class="num">
                    {formatAmount(lang, item.fields.FinalValue, item.currency ?? meta.ledgerCurrency)}
                  </td>
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
