/**
 * Add / Edit a module: every field of the seed's form plus language, currency, attempts,
 * timeouts and confirmation. The send-payment-link rule is enforced here with its reason;
 * the API checks it again and any field error it returns is shown next to its field.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type CardPaymentSettings, type InvoiceType, type Module, type PersianVoice, type PromptOverride } from '../api';
import { useApp } from '../app-context';
import { ClubForm, KindChooser } from './club-form';
import { Check, CurrencyField, ErrorBanner, Field, FormActions } from './field';
import { LookupSourcePicker } from './lookup-sources-page';
import {
  AttemptsFields,
  BasicsFieldset,
  type CommonDraft,
  DestinationsFieldset,
  numberOrRaw,
  unplacedErrors,
  useDestinationChoices,
  useModuleEditor,
  WebhookCard,
} from './module-form-parts';
import { PromptsEditor, VoiceField } from './prompts-editor';
import { currencyChoice, currencyFromChoice, currencyName } from '../money';

/** The module as typed in the form: numbers as text, the currency as one choice ("IRR:toman", "USD"). */
interface Draft
  extends CommonDraft,
    Pick<
      Module,
      | 'anonymousMode'
      | 'forceMobileEntry'
      | 'sendPaymentLink'
      | 'askItemNumber'
      | 'invoiceType'
      | 'invoiceValueField'
      | 'invoiceSearchField'
      | 'lookupSource'
      | 'confirmBeforeNext'
    > {
  currency: string;
  financialAccount: string;
  prompts: Record<string, PromptOverride>;
  voice?: PersianVoice;
  /** Card payment in the call, attempts as typed. */
  cardPayment: Omit<CardPaymentSettings, 'maxAttempts'> & { maxAttempts: string };
}

const CARD_PAYMENT_DEFAULTS: CardPaymentSettings = {
  enabled: false,
  connector: '',
  paymentMethod: 'credit-card',
  postalCode: true,
  securityCode: true,
  maxAttempts: 2,
};

function draftFrom(m: Module | undefined, lang: 'fa' | 'en', defaults: { maxAttempts: number; gather: number }): Draft {
  return {
    code: m?.code ?? '',
    name: m?.name ?? '',
    enabled: m?.enabled ?? true,
    language: m?.language ?? lang,
    currency: currencyChoice(m?.currency),
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
    ...(m?.voice ? { voice: m.voice } : {}),
    cardPayment: (({ maxAttempts, ...rest }) => ({ ...rest, maxAttempts: String(maxAttempts) }))({ ...CARD_PAYMENT_DEFAULTS, ...m?.cardPayment }),
  };
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
    currency: currencyFromChoice(d.currency),
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
    ...(d.voice && d.language === 'fa' ? { voice: d.voice } : {}),
    // Kept when off too, so turning it back on finds the connector name again.
    ...(d.cardPayment.enabled || d.cardPayment.connector.trim()
      ? { cardPayment: { ...d.cardPayment, connector: d.cardPayment.connector.trim(), maxAttempts: numberOrRaw(d.cardPayment.maxAttempts) } }
      : {}),
  };
}

export function ModuleForm(props: { code?: string | undefined }) {
  const { t, meta, lang, navigate, code } = useApp();
  const defaults = { maxAttempts: meta.limits.maxAttempts.default, gather: meta.limits.gatherTimeoutSeconds.default };
  const [isClub, setIsClub] = useState(false);
  const {
    editing,
    draft,
    setDraft,
    webhookUrl,
    error,
    saved,
    setSaved,
    busy,
    save: saveModule,
  } = useModuleEditor<Module, Draft>(
    props.code,
    (m) => draftFrom(m, lang, defaults),
    (m) => setIsClub(m.kind === 'club'),
  );
  const choices = useDestinationChoices();
  const [accounts, setAccounts] = useState<{ key: string; name: string }[] | null>(null);
  const [itemTypes, setItemTypes] = useState<{ key: string; name: string; type: InvoiceType }[] | null>(null);
  const [crmError, setCrmError] = useState(false);
  // A new module's kind, chosen at the top of the form.
  const [newKind, setNewKind] = useState<'balance' | 'club'>('balance');

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

  const save = (event: Event) => saveModule(event, draft.code, toBody(draft));

  const known = new Set([
    'code',
    'name',
    'enabled',
    'language',
    'currency',
    'currency.unit',
    'currency.divisor',
    'anonymousMode',
    'forceMobileEntry',
    'sendPaymentLink',
    'askItemNumber',
    'invoiceType',
    'invoiceValueField',
    'invoiceSearchField',
    'financialAccount',
    'lookupSource',
    'nextDestination',
    'errorDestination',
    'maxAttempts',
    'gatherTimeoutSeconds',
    'confirmBeforeNext',
    'voice',
    'cardPayment',
    'cardPayment.enabled',
    'cardPayment.connector',
    'cardPayment.paymentMethod',
    'cardPayment.postalCode',
    'cardPayment.securityCode',
    'cardPayment.maxAttempts',
  ]);
  const card = draft.cardPayment;
  const setCard = (change: Partial<Draft['cardPayment']>) => set('cardPayment', { ...card, ...change });
  const irr = draft.currency.startsWith('IRR');
  const cardBlocked = irr ? t('cardPaymentNeedsCurrency') : draft.lookupSource !== 'ledger' ? t('cardPaymentNeedsLedger') : undefined;
  const unplaced = unplacedErrors(error, known);
  const typeChoices = itemTypes?.map((x) => x.type) ?? meta.invoiceTypes;

  return (
    <section>
      <header class="page-head">
        <h1>{editing ? t('editModule', draft.name || draft.code) : t('newModule')}</h1>
      </header>
      {!editing && <KindChooser value="balance" onChange={setNewKind} />}
      <WebhookCard url={webhookUrl} />
      <form onSubmit={save} novalidate data-testid="module-form">
        <ErrorBanner message={error ? (error.errors.length > 0 ? t('fixFields') : error.message) : undefined} list={unplaced} />
        <BasicsFieldset id={id} draft={draft} editing={editing} fe={fe} set={set}>
          <CurrencyField
            id={id('currency')}
            value={draft.currency}
            error={fe('currency') ?? fe('currency.unit') ?? fe('currency.divisor')}
            onChange={(v) => set('currency', v)}
          />
        </BasicsFieldset>

        <fieldset class="card">
          <legend>{t('sectionBehaviour')}</legend>
          <Check
            id={id('anonymousMode')}
            label={t('fAnonymous')}
            hint={t('fAnonymousHint')}
            checked={draft.anonymousMode}
            onChange={(v) => set('anonymousMode', v)}
            error={fe('anonymousMode')}
          />
          <Check
            id={id('forceMobileEntry')}
            label={t('fForceMobile')}
            hint={t('fForceMobileHint')}
            checked={draft.forceMobileEntry}
            onChange={(v) => set('forceMobileEntry', v)}
            error={fe('forceMobileEntry')}
          />
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
          <Check
            id={id('askItemNumber')}
            label={t('fAskItem')}
            hint={t('fAskItemHint')}
            checked={draft.askItemNumber}
            onChange={(v) => set('askItemNumber', v)}
            error={fe('askItemNumber')}
          />
          <Check
            id={id('confirmBeforeNext')}
            label={t('fConfirm')}
            hint={t('fConfirmHint')}
            checked={draft.confirmBeforeNext}
            onChange={(v) => set('confirmBeforeNext', v)}
            error={fe('confirmBeforeNext')}
          />
          <div class="grid">
            <AttemptsFields id={id} draft={draft} fe={fe} set={set} />
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
              <input
                id={id('invoiceSearchField')}
                dir="ltr"
                value={draft.invoiceSearchField}
                onInput={(e) => set('invoiceSearchField', e.currentTarget.value)}
              />
            </Field>
            <Field id={id('financialAccount')} label={t('fFinancialAccount')} error={fe('financialAccount')} hint={crmError ? t('crmUnavailable') : undefined}>
              <select id={id('financialAccount')} value={draft.financialAccount} onChange={(e) => set('financialAccount', e.currentTarget.value)}>
                <option value="">{t('none')}</option>
                {(accounts ?? []).map((a) => (
                  <option key={a.key} value={a.key}>
                    {a.name}
                  </option>
                ))}
                {draft.financialAccount && accounts && !accounts.some((a) => a.key === draft.financialAccount) && (
                  <option value={draft.financialAccount}>{draft.financialAccount}</option>
                )}
              </select>
            </Field>
          </div>
        </fieldset>

        <fieldset class="card" data-testid="card-payment">
          <legend>{t('sectionCardPayment')}</legend>
          <Check
            id={id('cardPayment-enabled')}
            label={t('fCardPayment')}
            hint={t('fCardPaymentHint')}
            checked={card.enabled}
            disabled={cardBlocked !== undefined && !card.enabled}
            reason={cardBlocked}
            onChange={(v) => setCard({ enabled: v })}
            error={fe('cardPayment.enabled') ?? fe('cardPayment')}
          />
          {card.enabled && (
            <div class="grid">
              <Field id={id('cardPayment-connector')} label={t('fPayConnector')} hint={t('fPayConnectorHint')} error={fe('cardPayment.connector')}>
                <input id={id('cardPayment-connector')} dir="ltr" value={card.connector} onInput={(e) => setCard({ connector: e.currentTarget.value })} />
              </Field>
              <Field id={id('cardPayment-currency')} label={t('fPayCurrency')}>
                <input id={id('cardPayment-currency')} value={currencyName(lang, draft.currency.split(':')[0] ?? '')} readOnly />
              </Field>
              <Field id={id('cardPayment-paymentMethod')} label={t('fPayMethod')} error={fe('cardPayment.paymentMethod')}>
                <select id={id('cardPayment-paymentMethod')} value={card.paymentMethod} onChange={() => setCard({ paymentMethod: 'credit-card' })}>
                  <option value="credit-card">{t('payMethodCard')}</option>
                </select>
              </Field>
              <Field id={id('cardPayment-maxAttempts')} label={t('fPayMaxAttempts')} error={fe('cardPayment.maxAttempts')}>
                <input
                  id={id('cardPayment-maxAttempts')}
                  inputMode="numeric"
                  value={card.maxAttempts}
                  onInput={(e) => setCard({ maxAttempts: e.currentTarget.value })}
                />
              </Field>
              <Check
                id={id('cardPayment-postalCode')}
                label={t('fPayPostalCode')}
                checked={card.postalCode}
                onChange={(v) => setCard({ postalCode: v })}
                error={fe('cardPayment.postalCode')}
              />
              <Check
                id={id('cardPayment-securityCode')}
                label={t('fPaySecurityCode')}
                checked={card.securityCode}
                onChange={(v) => setCard({ securityCode: v })}
                error={fe('cardPayment.securityCode')}
              />
            </div>
          )}
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionPrompts')}</legend>
          <VoiceField
            id={id('voice')}
            language={draft.language}
            voice={draft.voice}
            unit={draft.currency === 'IRR:toman' ? 'toman' : 'rial'}
            prompts={draft.prompts}
            error={fe('voice')}
            onChange={(v) => set('voice', v)}
          />
          <PromptsEditor
            moduleCode={editing ? draft.code : undefined}
            language={draft.language}
            voice={draft.voice}
            prompts={draft.prompts}
            errorFor={(key) => fe(`prompts.${key}`) ?? fe(`prompts.${key}.text`)}
            onChange={(prompts) => set('prompts', prompts)}
          />
        </fieldset>

        <DestinationsFieldset
          id={id}
          draft={draft}
          fe={fe}
          set={set}
          choices={choices}
          hints={{ next: t('fNextDestinationHint'), error: t('fErrorDestinationHint') }}
        />

        <FormActions busy={busy} saveTestId="save-module" onCancel={() => navigate('#/modules')} sticky saved={saved} />
      </form>
    </section>
  );
}
