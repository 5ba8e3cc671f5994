/**
 * Add / Edit a customer club module: identification method (caller number, customer number,
 * customer number + telephone password), customer-number prefix, attempts, timeout, lookup
 * source, its seven prompts (default, text, recording or "don't play"), next and error
 * destinations. Field errors from the API appear next to their field.
 */
import { type ClubModule, type ClubPrompt, type IdentificationMethod, type PersianVoice, type PromptOverride } from '../api';
import { useApp } from '../app-context';
import { Check, ErrorBanner, Field, FormActions } from './field';
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
import { persianVoiceHint, PromptRow, VoiceField } from './prompts-editor';

interface Draft extends CommonDraft {
  identification: IdentificationMethod;
  customerNumberPrefix: string;
  lookupSource: string;
  prompts: Record<string, ClubPrompt>;
  voice?: PersianVoice;
}

function draftFrom(m: ClubModule | undefined, lang: 'fa' | 'en', defaults: { maxAttempts: number; gather: number }): Draft {
  return {
    code: m?.code ?? '',
    name: m?.name ?? '',
    enabled: m?.enabled ?? true,
    language: m?.language ?? lang,
    identification: m?.identification ?? 'caller-number',
    customerNumberPrefix: m?.customerNumberPrefix ?? '',
    maxAttempts: String(m?.maxAttempts ?? defaults.maxAttempts),
    gatherTimeoutSeconds: String(m?.gatherTimeoutSeconds ?? defaults.gather),
    lookupSource: m?.lookupSource ?? 'ledger',
    prompts: m?.prompts ?? {},
    nextDestination: m?.nextDestination ?? '',
    errorDestination: m?.errorDestination ?? '',
    ...(m?.voice ? { voice: m.voice } : {}),
  };
}

function toBody(d: Draft): Record<string, unknown> {
  const prompts: Record<string, ClubPrompt> = {};
  for (const [key, p] of Object.entries(d.prompts)) {
    if ('play' in p) {
      prompts[key] = { play: false };
      continue;
    }
    const text = p.text?.trim();
    if (text || p.audioKey) prompts[key] = { ...(text ? { text } : {}), ...(p.audioKey ? { audioKey: p.audioKey } : {}) };
  }
  return {
    kind: 'club',
    ...(d.voice && d.language === 'fa' ? { voice: d.voice } : {}),
    code: d.code.trim(),
    name: d.name.trim(),
    enabled: d.enabled,
    language: d.language,
    identification: d.identification,
    ...(d.customerNumberPrefix.trim() ? { customerNumberPrefix: d.customerNumberPrefix.trim() } : {}),
    maxAttempts: numberOrRaw(d.maxAttempts),
    gatherTimeoutSeconds: numberOrRaw(d.gatherTimeoutSeconds),
    lookupSource: d.lookupSource,
    prompts,
    nextDestination: d.nextDestination,
    errorDestination: d.errorDestination,
  };
}

/** The module kind chooser shown on a new module's form. */
export function KindChooser(props: { value: 'balance' | 'club'; onChange: (kind: 'balance' | 'club') => void }) {
  const { t } = useApp();
  return (
    <div class="card">
      <Field id="m-kind" label={t('fKind')}>
        <select id="m-kind" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as 'balance' | 'club')}>
          <option value="balance">{t('kindBalance')}</option>
          <option value="club">{t('kindClubLong')}</option>
        </select>
      </Field>
    </div>
  );
}

export function ClubForm(props: { code?: string | undefined; onKindChange?: (kind: 'balance' | 'club') => void }) {
  const { t, meta, lang, navigate, code } = useApp();
  const defaults = { maxAttempts: meta.limits.maxAttempts.default, gather: meta.limits.gatherTimeoutSeconds.default };
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
  } = useModuleEditor<ClubModule, Draft>(props.code, (m) => draftFrom(m, lang, defaults));
  const choices = useDestinationChoices();

  if (!draft) return error ? <ErrorBanner message={error.message} /> : <p>{t('loading')}</p>;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  };
  const setPrompt = (name: string, value: ClubPrompt | undefined) => {
    const next = { ...draft.prompts };
    if (value) next[name] = value;
    else delete next[name];
    set('prompts', next);
  };
  const fe = (field: string) => error?.forField(field);
  const id = (field: string) => `c-${field}`;

  const save = (event: Event) => saveModule(event, draft.code, toBody(draft));

  const known = new Set([
    'code',
    'name',
    'enabled',
    'language',
    'identification',
    'customerNumberPrefix',
    'maxAttempts',
    'gatherTimeoutSeconds',
    'lookupSource',
    'nextDestination',
    'errorDestination',
    'voice',
  ]);
  const unplaced = unplacedErrors(error, known);
  const methods: [IdentificationMethod, string][] = [
    ['caller-number', t('idCallerNumber')],
    ['customer-number', t('idCustomerNumber')],
    ['customer-number-and-password', t('idCustomerNumberPassword')],
  ];

  return (
    <section>
      <header class="page-head">
        <h1>{editing ? t('editClub', draft.name || draft.code) : t('newClub')}</h1>
      </header>
      {!editing && props.onKindChange && <KindChooser value="club" onChange={props.onKindChange} />}
      <WebhookCard url={webhookUrl} />
      <form onSubmit={save} novalidate data-testid="club-form">
        <ErrorBanner message={error ? (error.errors.length > 0 ? t('fixFields') : error.message) : undefined} list={unplaced} />
        <BasicsFieldset id={id} draft={draft} editing={editing} fe={fe} set={set} />

        <fieldset class="card">
          <legend>{t('sectionIdentification')}</legend>
          <div class="grid">
            <Field id={id('identification')} label={t('fIdentification')} error={fe('identification')}>
              <select
                id={id('identification')}
                value={draft.identification}
                onChange={(e) => set('identification', e.currentTarget.value as IdentificationMethod)}
              >
                {methods.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            {draft.identification !== 'caller-number' && (
              <Field
                id={id('customerNumberPrefix')}
                label={t('fCustomerNumberPrefix')}
                hint={t('fCustomerNumberPrefixHint')}
                error={fe('customerNumberPrefix')}
              >
                <input
                  id={id('customerNumberPrefix')}
                  dir="ltr"
                  value={draft.customerNumberPrefix}
                  onInput={(e) => set('customerNumberPrefix', e.currentTarget.value)}
                />
              </Field>
            )}
            <LookupSourcePicker id={id('lookupSource')} value={draft.lookupSource} error={fe('lookupSource')} onChange={(v) => set('lookupSource', v)} />
            <AttemptsFields id={id} draft={draft} fe={fe} set={set} />
          </div>
        </fieldset>

        <fieldset class="card">
          <legend>{t('sectionPrompts')}</legend>
          <div class="prompts">
            <p class="hint">{t('clubPromptsHint')}</p>
            {draft.language === 'fa' && <p class="hint">{persianVoiceHint(t, meta.features.persianVoice)}</p>}
            <VoiceField id={id('voice')} language={draft.language} voice={draft.voice} error={fe('voice')} onChange={(v) => set('voice', v)} />
            <p class="hint">{!meta.features.recordings ? t('uploadsUnavailable') : editing ? '' : t('uploadAfterSave')}</p>
            {meta.clubPrompts.map((p) => {
              const value = draft.prompts[p.name];
              const silent = value !== undefined && 'play' in value;
              const silence = (
                <Check
                  id={`prompt-${p.name}-silent`}
                  label={t('dontPlay')}
                  checked={silent}
                  onChange={(off) => setPrompt(p.name, off ? { play: false } : undefined)}
                />
              );
              if (silent)
                return (
                  <div class="prompt-row" key={p.name} data-testid={`prompt-${p.name}`}>
                    <label>{code(`clubPrompt.${p.name}`)}</label>
                    {silence}
                  </div>
                );
              return (
                <PromptRow
                  key={p.name}
                  promptKey={p.name}
                  previewKey={p.key}
                  label={code(`clubPrompt.${p.name}`)}
                  extra={silence}
                  moduleCode={editing ? draft.code : undefined}
                  language={draft.language}
                  voice={draft.voice}
                  value={value as PromptOverride | undefined}
                  defaultText={p.defaults[draft.language]}
                  error={fe(`prompts.${p.name}`) ?? fe(`prompts.${p.name}.text`)}
                  onChange={(v) => setPrompt(p.name, v)}
                />
              );
            })}
          </div>
        </fieldset>

        <DestinationsFieldset id={id} draft={draft} fe={fe} set={set} choices={choices} hints={{ next: t('fClubNextHint'), error: t('fClubErrorHint') }} />

        <FormActions busy={busy} saveTestId="save-club" onCancel={() => navigate('#/modules')} sticky saved={saved} />
      </form>
    </section>
  );
}
