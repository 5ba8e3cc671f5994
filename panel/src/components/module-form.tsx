/**
 * Add / Edit a module: every field of the seed's form plus language, currency, attempts,
 * timeouts and confirmation. The send-payment-link rule is enforced here with its reason;
 * the API checks it again and any field error it returns is shown next to its field.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Destination, type InvoiceType, type Module, type ModuleRow, type PromptOverride } from '../api';
import { useApp } from '../app-context';
import { latinDigits } from '../i18n';
import { ClubForm, KindChooser } from './club-form';
import { DestinationForm } from './destination-form';
import { Check, ErrorBanner, Field } from './field';
import { LookupSourcePicker } from './lookup-sources-page';
import { CopyField } from './modules-page';
import { PromptsEditor } from './prompts-editor';

interface Draft {
  code: string;
  name: string;
  enabled: boolean;
  language: 'fa' | 'en';
  unit: 'rial' | 'toman';
  anonymousMode: boolean;
  forceMobileEntry: boolean;
  sendPaymentLink: boolean;
  askItemNumber: boolean;
  invoiceType: InvoiceType;
  invoiceValueField: string;
  invoiceSearchField: string;
  financialAccount: string;
  lookupSource: string;
  prompts: Record<string, PromptOverride>;
  nextDestination: string;
  errorDestination: string;
  maxAttempts: string;
  gatherTimeoutSeconds: string;
  confirmBeforeNext: boolean;
  /** Kept from the stored module so a save does not drop it. */
  divisor?: number;
}

function draftFrom(m: Module | undefined, lang: 'fa' | 'en', defaults: { maxAttempts: number; gather: number }): Draft {
  return {
    code: m?.code ?? '',
    name: m?.name ?? '',
    enabled: m?.enabled ?? true,
    language: m?.language ?? lang,
    unit: m?.currency.unit ?? 'rial',
    anonymousMode: m?.anonymousMode ?? false,
    forceMobileEntry: m?.forceMobileEntry ?? false,
    sendPaymentLink: m?.sendPaymentLink ?? false,
    askItemNumber: m?.askItemNumber ?? false,
    invoiceType: m?.invoiceType ?? 'invoice',
    invoiceValueField: m?.invoiceValueField ?? 'FinalValue',
    invoiceSearchField: m?.invoiceSearchField ?? 'Number',
    financialAccount: m?.financialAccount ?? '',
    lookupSource: m?.lookupSource ?? 'ledger',
    prompts: m?.prompts ?? {},
    nextDestination: m?.nextDestination ?? '',
    errorDestination: m?.errorDestination ?? '',
    maxAttempts: String(m?.maxAttempts ?? defaults.maxAttempts),
    gatherTimeoutSeconds: String(m?.gatherTimeoutSeconds ?? defaults.gather),
    confirmBeforeNext: m?.confirmBeforeNext ?? false,
    ...(m?.currency.divisor !== undefined ? { divisor: m.currency.divisor } : {}),
  };
}

/** Numbers typed with Persian digits are sent as numbers; anything else is sent as typed for the API to name. */
function numberOrRaw(text: string): number | string {
  const latin = latinDigits(text.trim());
  return /^\d+$/.test(latin) ? Number(latin) : latin;
}

function toBody(d: Draft): Record<string, unknown> {
  const prompts: Record<string, PromptOverride> = {};
  for (const [key, p] of Object.entries(d.prompts)) {
    const text = p.text?.trim();
    if (text || p.audioKey) prompts[key] = { ...(text ? { text } : {}), ...(p.audioKey ? { audioKey: p.audioKey } : {}) };
  }
  return {
    code: d.code.trim(),
    name: d.name.trim(),
    enabled: d.enabled,
    language: d.language,
    currency: { unit: d.unit, ...(d.divisor !== undefined ? { divisor: d.divisor } : {}) },
    anonymousMode: d.anonymousMode,
    forceMobileEntry: d.forceMobileEntry,
    sendPaymentLink: d.sendPaymentLink,
    askItemNumber: d.askItemNumber,
    invoiceType: d.invoiceType,
    invoiceValueField: d.invoiceValueField.trim(),
    invoiceSearchField: d.invoiceSearchField.trim(),
    ...(d.financialAccount ? { financialAccount: d.financialAccount } : {}),
    lookupSource: d.lookupSource,
    prompts,
    nextDestination: d.nextDestination,
    errorDestination: d.errorDestination,
    maxAttempts: numberOrRaw(d.maxAttempts),
    gatherTimeoutSeconds: numberOrRaw(d.gatherTimeoutSeconds),
    confirmBeforeNext: d.confirmBeforeNext,
  };
}

export function DestinationPicker(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  error?: string | undefined;
  destinations: Destination[];
  modules: ModuleRow[];
  onChange: (code: string) => void;
  onCreated: (d: Destination) => void;
}) {
  const { t } = useApp();
  const [creating, setCreating] = useState(false);
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <div class="picker">
        <select
          id={props.id}
          value={props.value}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value === '__new__') setCreating(true);
            else props.onChange(value);
          }}
        >
          <option value="">{t('none')}</option>
          {props.destinations.map((d) => (
            <option key={d.code} value={d.code}>
              {d.code}
              {d.name ? ` — ${d.name}` : ''}
            </option>
          ))}
          <option value="__new__">{t('newDestination')}</option>
        </select>
        <button type="button" onClick={() => setCreating(true)} data-testid={`${props.id}-new`}>
          {t('newDestination')}
        </button>
      </div>
      {creating && (
        <DestinationForm
          idPrefix={`${props.id}-inline`}
          modules={props.modules}
          onCancel={() => setCreating(false)}
          onSaved={(d) => {
            setCreating(false);
            props.onCreated(d);
          }}
        />
      )}
    </Field>
  );
}

export function ModuleForm(props: { code?: string | undefined }) {
  const { t, meta, lang, navigate, code, digits } = useApp();
  const editing = props.code !== undefined;
  const defaults = { maxAttempts: meta.limits.maxAttempts.default, gather: meta.limits.gatherTimeoutSeconds.default };
  const [draft, setDraft] = useState<Draft | null>(editing ? null : draftFrom(undefined, lang, defaults));
  const [webhookUrl, setWebhookUrl] = useState<string | undefined>();
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [modules, setModules] = useState<ModuleRow[]>([]);
  const [accounts, setAccounts] = useState<{ key: string; name: string }[] | null>(null);
  const [itemTypes, setItemTypes] = useState<{ key: string; name: string; type: InvoiceType }[] | null>(null);
  const [crmError, setCrmError] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [isClub, setIsClub] = useState(false);
  // A new module's kind, chosen at the top of the form.
  const [newKind, setNewKind] = useState<'balance' | 'club'>('balance');

  useEffect(() => {
    void api<{ destinations: { destination: Destination }[] }>('/destinations').then((r) => setDestinations(r.destinations.map((x) => x.destination)));
    void api<{ modules: ModuleRow[] }>('/modules').then((r) => setModules(r.modules));
    if (props.code !== undefined) {
      api<{ module: Module; webhookUrl: string }>(`/modules/${encodeURIComponent(props.code)}`)
        .then((r) => {
          setIsClub(r.module.kind === 'club');
          setDraft(draftFrom(r.module, lang, defaults));
          setWebhookUrl(r.webhookUrl);
        })
        .catch((e: unknown) => setError(e as ApiError));
    }
  }, [props.code]);

  const source = draft?.lookupSource ?? 'ledger';
  useEffect(() => {
    setCrmError(false);
    api<{ moneyAccounts: { key: string; name: string }[] }>(`/lookup-sources/${encodeURIComponent(source)}/money-accounts`)
      .then((r) => setAccounts(r.moneyAccounts))
      .catch(() => {
        setAccounts([]);
        setCrmError(true);
      });
    api<{ itemTypes: { key: string; name: string; type: InvoiceType }[] }>(`/lookup-sources/${encodeURIComponent(source)}/item-types`)
      .then((r) => setItemTypes(r.itemTypes))
      .catch(() => setItemTypes(null));
  }, [source]);

  if (isClub) return <ClubForm code={props.code} />;
  if (!editing && newKind === 'club') return <ClubForm onKindChange={setNewKind} />;
  if (!draft) return error ? <ErrorBanner message={error.message} /> : <p>{t('loading')}</p>;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => {
      if (!d) return d;
      const next = { ...d, [key]: value };
      // The rule of the seed: no payment link without a mobile number to send it to.
      if (key === 'forceMobileEntry' && value === false) next.sendPaymentLink = false;
      return next;
    });
  };
  const fe = (field: string) => error?.forField(field);
  const id = (field: string) => `m-${field}`;

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const body = toBody(draft);
      const result = editing
        ? await api<{ module: Module; webhookUrl: string }>(`/modules/${encodeURIComponent(draft.code)}`, { method: 'PUT', body })
        : await api<{ module: Module; webhookUrl: string }>('/modules', { method: 'POST', body });
      setWebhookUrl(result.webhookUrl);
      setSaved(true);
      if (!editing) navigate(`#/modules/${encodeURIComponent(result.module.code)}`);
      else setDraft(draftFrom(result.module, lang, defaults));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), [], {}));
    } finally {
      setBusy(false);
    }
  };

  const known = new Set([
    'code', 'name', 'enabled', 'language', 'currency.unit', 'anonymousMode', 'forceMobileEntry', 'sendPaymentLink', 'askItemNumber', 'invoiceType',
    'invoiceValueField', 'invoiceSearchField', 'financialAccount', 'lookupSource', 'nextDestination', 'errorDestination', 'maxAttempts', 'gatherTimeoutSeconds', 'confirmBeforeNext',
  ]);
  const unplaced = error?.errors.filter((e) => !known.has(e.field) && !e.field.startsWith('prompts.')) ?? [];
  const typeChoices = itemTypes?.map((x) => x.type) ?? meta.invoiceTypes;
  const addDestination = (field: 'nextDestination' | 'errorDestination') => (d: Destination) => {
    setDestinations((list) => [...list.filter((x) => x.code !== d.code), d].sort((a, b) => a.code.localeCompare(b.code)));
    set(field, d.code);
  };

  return (
    <section>
      <header class="page-head">
        <h1>{editing ? t('editModule', draft.name || draft.code) : t('newModule')}</h1>
      </header>
      {!editing && <KindChooser value="balance" onChange={setNewKind} />}
      {webhookUrl && (
        <div class="card">
          <label class="small">{t('webhookUrl')}</label>
          <CopyField value={webhookUrl} testId="module-webhook-url" />
        </div>
      )}
      <form onSubmit={save} novalidate data-testid="module-form">
        <ErrorBanner message={error ? (error.errors.length > 0 ? t('fixFields') : error.message) : undefined} list={unplaced} />
        <fieldset class="card">
          <legend>{t('sectionBasics')}</legend>
          <div class="grid">
            <Field id={id('name')} label={t('fName')} error={fe('name')}>
              <input id={id('name')} value={draft.name} onInput={(e) => set('name', e.currentTarget.value)} />
            </Field>
            <Field id={id('code')} label={t('fCode')} hint={t('fCodeHint')} error={fe('code')}>
              <input id={id('code')} value={draft.code} dir="ltr" disabled={editing} onInput={(e) => set('code', e.currentTarget.value)} />
            </Field>
            <Field id={id('language')} label={t('fLanguage')} error={fe('language')}>
              <select id={id('language')} value={draft.language} onChange={(e) => set('language', e.currentTarget.value as 'fa' | 'en')}>
                <option value="fa">{t('langFa')}</option>
                <option value="en">{t('langEn')}</option>
              </select>
            </Field>
            <Field id={id('currency')} label={t('fCurrency')} error={fe('currency.unit')}>
              <select id={id('currency')} value={draft.unit} onChange={(e) => set('unit', e.currentTarget.value as 'rial' | 'toman')}>
                <option value="rial">{t('unitRial')}</option>
                <option value="toman">{t('unitToman')}</option>
              </select>
            </Field>
          </div>
          <Check id={id('enabled')} label={t('fEnabled')} checked={draft.enabled} onChange={(v) => set('enabled', v)} error={fe('enabled')} />
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionBehaviour')}</legend>
          <Check id={id('anonymousMode')} label={t('fAnonymous')} hint={t('fAnonymousHint')} checked={draft.anonymousMode} onChange={(v) => set('anonymousMode', v)} error={fe('anonymousMode')} />
          <Check id={id('forceMobileEntry')} label={t('fForceMobile')} hint={t('fForceMobileHint')} checked={draft.forceMobileEntry} onChange={(v) => set('forceMobileEntry', v)} error={fe('forceMobileEntry')} />
          <Check
            id={id('sendPaymentLink')}
            label={t('fSendLink')}
            hint={t('fSendLinkHint')}
            checked={draft.sendPaymentLink}
            disabled={!draft.forceMobileEntry}
            reason={draft.forceMobileEntry ? undefined : t('sendLinkNeedsMobile')}
            onChange={(v) => set('sendPaymentLink', v)}
            error={fe('sendPaymentLink')}
          />
          <Check id={id('askItemNumber')} label={t('fAskItem')} hint={t('fAskItemHint')} checked={draft.askItemNumber} onChange={(v) => set('askItemNumber', v)} error={fe('askItemNumber')} />
          <Check id={id('confirmBeforeNext')} label={t('fConfirm')} hint={t('fConfirmHint')} checked={draft.confirmBeforeNext} onChange={(v) => set('confirmBeforeNext', v)} error={fe('confirmBeforeNext')} />
          <div class="grid">
            <Field id={id('maxAttempts')} label={t('fMaxAttempts')} error={fe('maxAttempts')} hint={`${digits(meta.limits.maxAttempts.min)}–${digits(meta.limits.maxAttempts.max)}`}>
              <input id={id('maxAttempts')} inputMode="numeric" value={digits(draft.maxAttempts)} onInput={(e) => set('maxAttempts', latinDigits(e.currentTarget.value))} />
            </Field>
            <Field id={id('gatherTimeoutSeconds')} label={t('fGatherTimeout')} error={fe('gatherTimeoutSeconds')} hint={`${digits(meta.limits.gatherTimeoutSeconds.min)}–${digits(meta.limits.gatherTimeoutSeconds.max)}`}>
              <input id={id('gatherTimeoutSeconds')} inputMode="numeric" value={digits(draft.gatherTimeoutSeconds)} onInput={(e) => set('gatherTimeoutSeconds', latinDigits(e.currentTarget.value))} />
            </Field>
          </div>
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionBilling')}</legend>
          <div class="grid">
            <LookupSourcePicker id={id('lookupSource')} value={draft.lookupSource} error={fe('lookupSource')} onChange={(v) => set('lookupSource', v)} />
            <Field id={id('invoiceType')} label={t('fInvoiceType')} error={fe('invoiceType')}>
              <select id={id('invoiceType')} value={draft.invoiceType} onChange={(e) => set('invoiceType', e.currentTarget.value as InvoiceType)}>
                {typeChoices.map((type) => (
                  <option key={type} value={type}>
                    {code(type)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={id('invoiceValueField')} label={t('fInvoiceValueField')} error={fe('invoiceValueField')}>
              <input id={id('invoiceValueField')} dir="ltr" value={draft.invoiceValueField} onInput={(e) => set('invoiceValueField', e.currentTarget.value)} />
            </Field>
            <Field id={id('invoiceSearchField')} label={t('fInvoiceSearchField')} error={fe('invoiceSearchField')}>
              <input id={id('invoiceSearchField')} dir="ltr" value={draft.invoiceSearchField} onInput={(e) => set('invoiceSearchField', e.currentTarget.value)} />
            </Field>
            <Field id={id('financialAccount')} label={t('fFinancialAccount')} error={fe('financialAccount')} hint={crmError ? t('crmUnavailable') : undefined}>
              <select id={id('financialAccount')} value={draft.financialAccount} onChange={(e) => set('financialAccount', e.currentTarget.value)}>
                <option value="">{t('none')}</option>
                {(accounts ?? []).map((a) => (
                  <option key={a.key} value={a.key}>
                    {a.name}
                  </option>
                ))}
                {draft.financialAccount && accounts && !accounts.some((a) => a.key === draft.financialAccount) && <option value={draft.financialAccount}>{draft.financialAccount}</option>}
              </select>
            </Field>
          </div>
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionPrompts')}</legend>
          <PromptsEditor
            moduleCode={editing ? draft.code : undefined}
            language={draft.language}
            prompts={draft.prompts}
            errorFor={(key) => fe(`prompts.${key}`) ?? fe(`prompts.${key}.text`)}
            onChange={(prompts) => set('prompts', prompts)}
          />
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionDestinations')}</legend>
          <DestinationPicker
            id={id('nextDestination')}
            label={t('fNextDestination')}
            hint={t('fNextDestinationHint')}
            value={draft.nextDestination}
            error={fe('nextDestination')}
            destinations={destinations}
            modules={modules}
            onChange={(v) => set('nextDestination', v)}
            onCreated={addDestination('nextDestination')}
          />
          <DestinationPicker
            id={id('errorDestination')}
            label={t('fErrorDestination')}
            hint={t('fErrorDestinationHint')}
            value={draft.errorDestination}
            error={fe('errorDestination')}
            destinations={destinations}
            modules={modules}
            onChange={(v) => set('errorDestination', v)}
            onCreated={addDestination('errorDestination')}
          />
        </fieldset>

        <div class="actions sticky">
          <button type="submit" class="primary" disabled={busy} data-testid="save-module">
            {busy ? t('saving') : t('save')}
          </button>
          <button type="button" onClick={() => navigate('#/modules')}>
            {t('cancel')}
          </button>
          {saved && (
            <span class="saved" role="status" data-testid="module-saved">
              {t('saved')}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
