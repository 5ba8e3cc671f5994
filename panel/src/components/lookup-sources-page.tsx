/**
 * Lookup sources (AloVoIP's "search resources"): Payamgostar, Other (AloVoIP HTTP contract)
 * or the built-in ledger. The form never asks for a password nor where it is: a source's
 * password is always its own secret `crm/<name>`, which the form and each card show. Moving a
 * source to another host warns that its password goes there. Cards can test the connection.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ConnectionTest, type InvoiceType, type LookupSource, type LookupSourceView } from '../api';
import { useApp } from '../app-context';
import { ErrorBanner, Field, FormActions } from './field';
import { currencyName } from '../money';
import { ListPageHead, useListChanges } from './list-page';

/** Every source a module may name, with its type; refreshed on each mount so new sources show at once. */
export function useLookupSources(): LookupSourceView[] | null {
  const [views, setViews] = useState<LookupSourceView[] | null>(null);
  useEffect(() => {
    api<{ lookupSources: LookupSourceView[] }>('/lookup-sources')
      .then((r) => setViews(r.lookupSources))
      .catch(() => setViews(null));
  }, []);
  return views;
}

function useSourceTypeName() {
  const { t } = useApp();
  return (view: LookupSourceView) => (view.builtIn ? t('sTypeLedger') : view.source?.type === 'payamgostar' ? t('sTypePayamgostar') : t('sTypeHttp'));
}

/** The module forms' lookup-source picker: every stored source beside the ledger, with a link to manage them. */
export function LookupSourcePicker(props: { id: string; value: string; error?: string | undefined; onChange: (name: string) => void }) {
  const { t, meta } = useApp();
  const views = useLookupSources();
  const typeName = useSourceTypeName();
  const names = views?.map((v) => v.name) ?? meta.lookupSources;
  return (
    <Field id={props.id} label={t('fLookupSource')} error={props.error}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {names.map((name) => {
          const view = views?.find((v) => v.name === name);
          return (
            <option key={name} value={name}>
              {name}
              {view ? ` — ${typeName(view)}` : ''}
            </option>
          );
        })}
        {!names.includes(props.value) && <option value={props.value}>{props.value}</option>}
      </select>
      <a class="small" href="#/sources" data-testid={`${props.id}-manage`}>
        {t('manageSources')}
      </a>
    </Field>
  );
}

interface Draft {
  name: string;
  type: 'payamgostar' | 'http';
  host: string;
  username: string;
  auth: 'basic' | 'none';
  paymentTypeKey: string;
  linkExpiryDays: string;
  /** The ISO 4217 code of the CRM's amounts (modules using the source must have it too). */
  currency: string;
  itemTypeKeys: Record<string, string>;
}

function draftFrom(source: LookupSource | undefined): Draft {
  return {
    name: source?.name ?? '',
    type: source?.type ?? 'payamgostar',
    host: source?.host ?? '',
    username: source?.username ?? '',
    auth: source?.type === 'http' ? source.auth : 'basic',
    paymentTypeKey: source?.type === 'payamgostar' ? (source.paymentTypeKey ?? '') : '',
    linkExpiryDays: source?.type === 'payamgostar' ? String(source.linkExpiryDays ?? 7) : '7',
    currency: source?.currency ?? 'IRR',
    itemTypeKeys: { ...(source?.itemTypeKeys ?? {}) },
  };
}

function toBody(d: Draft): Record<string, unknown> {
  const itemTypeKeys = Object.fromEntries(
    Object.entries(d.itemTypeKeys)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
  const common = { name: d.name.trim(), type: d.type, host: d.host.trim(), currency: d.currency, itemTypeKeys };
  if (d.type === 'payamgostar') {
    const days = Number(d.linkExpiryDays);
    return {
      ...common,
      username: d.username,
      ...(d.paymentTypeKey.trim() ? { paymentTypeKey: d.paymentTypeKey.trim() } : {}),
      linkExpiryDays: Number.isFinite(days) && d.linkExpiryDays.trim() !== '' ? days : d.linkExpiryDays,
    };
  }
  // "None" needs no credentials: none are sent, so none are kept.
  return d.auth === 'basic' ? { ...common, auth: 'basic', username: d.username } : { ...common, auth: 'none' };
}

/** The local variable of a source's password, as the server spells it (lib/secrets/secret-names.ts). */
const localVariable = (name: string) => `CRM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

function SourceForm(props: { existing?: LookupSource; onCancel: () => void; onSaved: (warnings: string[]) => void }) {
  const { t, meta, code, lang } = useApp();
  const editing = props.existing !== undefined;
  const [draft, setDraft] = useState<Draft>(draftFrom(props.existing));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const fe = (field: string) => error?.forField(field);
  const id = (field: string) => `s-${field}`;
  const credentials = draft.type === 'payamgostar' || draft.auth === 'basic';
  const secretName = `crm/${draft.name.trim() || '<name>'}`;
  // Said before saving: the stored password will go wherever the host now points.
  const hostMoved = editing && credentials && draft.host.trim() !== props.existing?.host;

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = toBody(draft);
      const saved = editing
        ? await api<LookupSourceView>(`/lookup-sources/${encodeURIComponent(draft.name)}`, { method: 'PUT', body })
        : await api<LookupSourceView>('/lookup-sources', { method: 'POST', body });
      props.onSaved((saved.warnings ?? []).map((w) => w.message));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), [], {}));
    } finally {
      setBusy(false);
    }
  };
  const known = new Set(['name', 'type', 'host', 'username', 'auth', 'paymentTypeKey', 'linkExpiryDays', 'currency']);
  const unplaced = error?.errors.filter((e) => !known.has(e.field)) ?? [];

  return (
    <form class="card" onSubmit={save} novalidate data-testid="source-form">
      <h2>{editing ? t('editSource', draft.name) : t('newSource')}</h2>
      <ErrorBanner message={error ? (error.errors.length > 0 ? t('fixFields') : error.message) : undefined} list={unplaced} />
      <div class="grid">
        <Field id={id('name')} label={t('fName')} hint={t('fCodeHint')} error={fe('name')}>
          <input id={id('name')} dir="ltr" value={draft.name} disabled={editing} onInput={(e) => set('name', e.currentTarget.value)} />
        </Field>
        <Field id={id('type')} label={t('sType')} error={fe('type')}>
          <select id={id('type')} value={draft.type} onChange={(e) => set('type', e.currentTarget.value as Draft['type'])}>
            <option value="payamgostar">{t('sTypePayamgostar')}</option>
            <option value="http">{t('sTypeHttp')}</option>
          </select>
        </Field>
        <Field id={id('host')} label={t('sHost')} hint={t('sHostHint')} error={fe('host')}>
          <input
            id={id('host')}
            dir="ltr"
            inputMode="url"
            value={draft.host}
            placeholder="https://crm.example.com"
            onInput={(e) => set('host', e.currentTarget.value)}
          />
          {hostMoved && (
            <p class="banner warning" role="alert" data-testid="source-host-warning">
              {t('sHostChanged', draft.host.trim())}
            </p>
          )}
        </Field>
        <Field id={id('currency')} label={t('sCurrency')} hint={t('sCurrencyHint')} error={fe('currency')}>
          <select id={id('currency')} value={draft.currency} onChange={(e) => set('currency', e.currentTarget.value)}>
            {meta.currencies.map((c) => (
              <option key={c} value={c}>
                {currencyName(lang, c)}
              </option>
            ))}
          </select>
        </Field>
        {draft.type === 'http' && (
          <Field id={id('auth')} label={t('sAuth')} error={fe('auth')}>
            <select id={id('auth')} value={draft.auth} onChange={(e) => set('auth', e.currentTarget.value as Draft['auth'])}>
              <option value="basic">{t('sAuthBasic')}</option>
              <option value="none">{t('sAuthNone')}</option>
            </select>
          </Field>
        )}
        {credentials && (
          <Field id={id('username')} label={t('sUsername')} error={fe('username')}>
            <input id={id('username')} dir="ltr" autoComplete="off" value={draft.username} onInput={(e) => set('username', e.currentTarget.value)} />
          </Field>
        )}
        {credentials && (
          <div class="field">
            <span class="label">{t('sPassword')}</span>
            <p class="hint" data-testid="source-password-where">
              {t('sPasswordWhere', secretName, localVariable(draft.name.trim() || '<name>'))}
            </p>
          </div>
        )}
        {draft.type === 'payamgostar' && (
          <Field id={id('paymentTypeKey')} label={t('sPaymentTypeKey')} error={fe('paymentTypeKey')}>
            <input id={id('paymentTypeKey')} dir="ltr" value={draft.paymentTypeKey} onInput={(e) => set('paymentTypeKey', e.currentTarget.value)} />
          </Field>
        )}
        {draft.type === 'payamgostar' && (
          <Field id={id('linkExpiryDays')} label={t('sLinkExpiryDays')} error={fe('linkExpiryDays')}>
            <input
              id={id('linkExpiryDays')}
              inputMode="numeric"
              dir="ltr"
              value={draft.linkExpiryDays}
              onInput={(e) => set('linkExpiryDays', e.currentTarget.value)}
            />
          </Field>
        )}
      </div>
      <details>
        <summary>{t('sItemTypeKeys')}</summary>
        <p class="hint">{t('sItemTypeKeysHint')}</p>
        <div class="grid">
          {meta.invoiceTypes.map((type: InvoiceType) => (
            <Field key={type} id={id(`itemTypeKeys-${type}`)} label={code(type)} error={fe(`itemTypeKeys.${type}`)}>
              <input
                id={id(`itemTypeKeys-${type}`)}
                dir="ltr"
                value={draft.itemTypeKeys[type] ?? ''}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setDraft((d) => ({ ...d, itemTypeKeys: { ...d.itemTypeKeys, [type]: value } }));
                }}
              />
            </Field>
          ))}
        </div>
      </details>
      <FormActions busy={busy} saveTestId="save-source" onCancel={props.onCancel} />
    </form>
  );
}

function SourceCard(props: { view: LookupSourceView; onEdit: () => void; onDelete: () => void }) {
  const { t } = useApp();
  const typeName = useSourceTypeName();
  const { view } = props;
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const runTest = async () => {
    setTest('running');
    setProblem(undefined);
    try {
      setTest(await api<ConnectionTest>(`/lookup-sources/${encodeURIComponent(view.name)}/test`, { method: 'POST' }));
    } catch (e) {
      setTest(null);
      setProblem((e as Error).message);
    }
  };
  return (
    <li class="card" data-testid={`source-${view.name}`}>
      <div class="module-head">
        <h2>
          <code dir="ltr">{view.name}</code>
        </h2>
        <span class="badge">{typeName(view)}</span>
        {view.builtIn && <span class="badge ok">{t('builtIn')}</span>}
      </div>
      {view.source && (
        <dl class="dests">
          <dt>{t('sHost')}</dt>
          <dd dir="ltr">{view.source.host}</dd>
          {view.source.type === 'http' && (
            <>
              <dt>{t('sAuth')}</dt>
              <dd>{view.source.auth === 'basic' ? t('sAuthBasic') : t('sAuthNone')}</dd>
            </>
          )}
          {view.source.username && (
            <>
              <dt>{t('sUsername')}</dt>
              <dd dir="ltr">{view.source.username}</dd>
            </>
          )}
          {view.secret && (
            <>
              <dt>{t('sSecretLocation')}</dt>
              <dd dir="ltr">
                <code data-testid={`source-${view.name}-secret`}>{view.secret.location}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      <dl class="dests">
        <dt>{t('usedBy')}</dt>
        <dd dir="ltr">{view.usedBy.length > 0 ? view.usedBy.join(', ') : '—'}</dd>
      </dl>
      {test !== null && test !== 'running' && (
        <p class={`banner ${test.ok ? 'ok' : 'error'}`} role="status" data-testid={`source-${view.name}-test-result`} data-ok={String(test.ok)}>
          {test.message}
        </p>
      )}
      <ErrorBanner message={problem} />
      <div class="actions">
        <button type="button" onClick={() => void runTest()} disabled={test === 'running'} data-testid={`test-source-${view.name}`}>
          {test === 'running' ? t('testing') : t('testConnection')}
        </button>
        {!view.builtIn && (
          <>
            <button type="button" onClick={props.onEdit} data-testid={`edit-source-${view.name}`}>
              {t('edit')}
            </button>
            <button type="button" class="danger" onClick={props.onDelete} data-testid={`delete-source-${view.name}`}>
              {t('delete')}
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export function LookupSourcesPage() {
  const { t } = useApp();
  const [views, setViews] = useState<LookupSourceView[] | null>(null);
  const [editing, setEditing] = useState<LookupSource | 'new' | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const load = () =>
    api<{ lookupSources: LookupSourceView[] }>('/lookup-sources')
      .then((r) => setViews(r.lookupSources))
      .catch((e: unknown) => setError((e as Error).message));
  useEffect(() => {
    void load();
  }, []);

  const { remove } = useListChanges(load, setError);

  return (
    <section>
      <ListPageHead
        title={t('sourcesTitle')}
        intro={t('sourcesIntro')}
        addLabel={t('addSource')}
        addTestId="add-source"
        onAdd={() => {
          setWarnings([]);
          setEditing('new');
        }}
        error={error}
      />
      {editing && (
        <SourceForm
          key={editing === 'new' ? 'new' : editing.name}
          {...(editing !== 'new' ? { existing: editing } : {})}
          onCancel={() => setEditing(null)}
          onSaved={(said) => {
            setEditing(null);
            setWarnings(said);
            void load();
          }}
        />
      )}
      {warnings.map((warning) => (
        <p key={warning} class="banner warning" role="status" data-testid="source-saved-warning">
          {warning}
        </p>
      ))}
      {views === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          {views.length <= 1 && <p>{t('noSources')}</p>}
          <ul class="cards">
            {views.map((view) => (
              <SourceCard
                key={view.name}
                view={view}
                onEdit={() => view.source && (setWarnings([]), setEditing(view.source))}
                onDelete={() => void remove(view.name, `/lookup-sources/${encodeURIComponent(view.name)}`)}
              />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
