/**
 * Parts the balance and club module forms share: basics, attempts, the webhook URL, the
 * destination pickers with inline create, and saving. Each form keeps only what is its own.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Destination, type FieldError, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { latinDigits } from '../i18n';
import { DestinationForm } from './destination-form';
import { Check, Field } from './field';
import { CopyField } from './modules-page';

/** The fields every module kind has, as typed in the form. */
export interface CommonDraft {
  code: string;
  name: string;
  enabled: boolean;
  language: 'fa' | 'en';
  maxAttempts: string;
  gatherTimeoutSeconds: string;
  nextDestination: string;
  errorDestination: string;
}

// Method syntax so a form's own wider setter (over its whole draft) is accepted.
interface CommonSetter {
  set<K extends keyof CommonDraft>(key: K, value: CommonDraft[K]): void;
}
type SetCommon = CommonSetter['set'];
type FieldErrorFor = (field: string) => string | undefined;

/** Numbers typed with Persian digits are sent as numbers; anything else is sent as typed for the API to name. */
export function numberOrRaw(text: string): number | string {
  const latin = latinDigits(text.trim());
  return /^\d+$/.test(latin) ? Number(latin) : latin;
}

/** Errors for fields the form does not show, listed in the banner instead. */
export function unplacedErrors(error: ApiError | null, known: Set<string>): FieldError[] {
  return error?.errors.filter((e) => !known.has(e.field) && !e.field.startsWith('prompts.')) ?? [];
}

/**
 * A module form's state: the draft (loaded when editing), its webhook URL, the API's error,
 * and saving, which opens a new module's page or shows the stored module again.
 */
export function useModuleEditor<M extends { code: string }, D>(code: string | undefined, toDraft: (m: M | undefined) => D, onLoaded?: (m: M) => void) {
  const { navigate } = useApp();
  const editing = code !== undefined;
  const [draft, setDraft] = useState<D | null>(editing ? null : toDraft(undefined));
  const [webhookUrl, setWebhookUrl] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (code !== undefined) {
      api<{ module: M; webhookUrl: string }>(`/modules/${encodeURIComponent(code)}`)
        .then((r) => {
          onLoaded?.(r.module);
          setDraft(toDraft(r.module));
          setWebhookUrl(r.webhookUrl);
        })
        .catch((e: unknown) => setError(e as ApiError));
    }
  }, [code]);

  const save = async (event: Event, moduleCode: string, body: Record<string, unknown>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const result = editing
        ? await api<{ module: M; webhookUrl: string }>(`/modules/${encodeURIComponent(moduleCode)}`, { method: 'PUT', body })
        : await api<{ module: M; webhookUrl: string }>('/modules', { method: 'POST', body });
      setWebhookUrl(result.webhookUrl);
      setSaved(true);
      if (!editing) navigate(`#/modules/${encodeURIComponent(result.module.code)}`);
      else setDraft(toDraft(result.module));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e), [], {}));
    } finally {
      setBusy(false);
    }
  };

  return { editing, draft, setDraft, webhookUrl, error, saved, setSaved, busy, save };
}

/** Destinations and modules to pick from; one created inline joins the list in code order. */
export function useDestinationChoices() {
  const [destinations, setDestinations] = useState<Destination[]>([]);
  const [modules, setModules] = useState<ModuleRow[]>([]);
  useEffect(() => {
    void api<{ destinations: { destination: Destination }[] }>('/destinations').then((r) => setDestinations(r.destinations.map((x) => x.destination)));
    void api<{ modules: ModuleRow[] }>('/modules').then((r) => setModules(r.modules));
  }, []);
  const remember = (d: Destination) => setDestinations((list) => [...list.filter((x) => x.code !== d.code), d].sort((a, b) => a.code.localeCompare(b.code)));
  return { destinations, modules, remember };
}

export type DestinationChoices = ReturnType<typeof useDestinationChoices>;

export function WebhookCard(props: { url: string | undefined }) {
  const { t } = useApp();
  if (!props.url) return null;
  return (
    <div class="card">
      <label class="small">{t('webhookUrl')}</label>
      <CopyField value={props.url} testId="module-webhook-url" />
    </div>
  );
}

/** Name, code and language; a form adds its own fields to the same grid as children. */
export function BasicsFieldset(props: {
  id: (field: string) => string;
  draft: CommonDraft;
  editing: boolean;
  fe: FieldErrorFor;
  set: SetCommon;
  children?: ComponentChildren;
}) {
  const { t } = useApp();
  const { id, draft, fe, set } = props;
  return (
    <fieldset class="card">
      <legend>{t('sectionBasics')}</legend>
      <div class="grid">
        <Field id={id('name')} label={t('fName')} error={fe('name')}>
          <input id={id('name')} value={draft.name} onInput={(e) => set('name', e.currentTarget.value)} />
        </Field>
        <Field id={id('code')} label={t('fCode')} hint={t('fCodeHint')} error={fe('code')}>
          <input id={id('code')} value={draft.code} dir="ltr" disabled={props.editing} onInput={(e) => set('code', e.currentTarget.value)} />
        </Field>
        <Field id={id('language')} label={t('fLanguage')} error={fe('language')}>
          <select id={id('language')} value={draft.language} onChange={(e) => set('language', e.currentTarget.value as 'fa' | 'en')}>
            <option value="fa">{t('langFa')}</option>
            <option value="en">{t('langEn')}</option>
          </select>
        </Field>
        {props.children}
      </div>
      <Check id={id('enabled')} label={t('fEnabled')} checked={draft.enabled} onChange={(v) => set('enabled', v)} error={fe('enabled')} />
    </fieldset>
  );
}

/** Attempts and gather timeout, typed in either digit set, with their allowed range as the hint. */
export function AttemptsFields(props: { id: (field: string) => string; draft: CommonDraft; fe: FieldErrorFor; set: SetCommon }) {
  const { t, meta, digits } = useApp();
  const { id, draft, fe, set } = props;
  return (
    <>
      <Field
        id={id('maxAttempts')}
        label={t('fMaxAttempts')}
        error={fe('maxAttempts')}
        hint={`${digits(meta.limits.maxAttempts.min)}–${digits(meta.limits.maxAttempts.max)}`}
      >
        <input
          id={id('maxAttempts')}
          inputMode="numeric"
          value={digits(draft.maxAttempts)}
          onInput={(e) => set('maxAttempts', latinDigits(e.currentTarget.value))}
        />
      </Field>
      <Field
        id={id('gatherTimeoutSeconds')}
        label={t('fGatherTimeout')}
        error={fe('gatherTimeoutSeconds')}
        hint={`${digits(meta.limits.gatherTimeoutSeconds.min)}–${digits(meta.limits.gatherTimeoutSeconds.max)}`}
      >
        <input
          id={id('gatherTimeoutSeconds')}
          inputMode="numeric"
          value={digits(draft.gatherTimeoutSeconds)}
          onInput={(e) => set('gatherTimeoutSeconds', latinDigits(e.currentTarget.value))}
        />
      </Field>
    </>
  );
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

/** The next and error destination pickers; a destination created inline is picked at once. */
export function DestinationsFieldset(props: {
  id: (field: string) => string;
  draft: CommonDraft;
  fe: FieldErrorFor;
  set: SetCommon;
  choices: DestinationChoices;
  hints: { next: string; error: string };
}) {
  const { t } = useApp();
  const { id, draft, fe, set, choices } = props;
  const picker = (field: 'nextDestination' | 'errorDestination', label: string, hint: string) => (
    <DestinationPicker
      id={id(field)}
      label={label}
      hint={hint}
      value={draft[field]}
      error={fe(field)}
      destinations={choices.destinations}
      modules={choices.modules}
      onChange={(v) => set(field, v)}
      onCreated={(d) => {
        choices.remember(d);
        set(field, d.code);
      }}
    />
  );
  return (
    <fieldset class="card">
      <legend>{t('sectionDestinations')}</legend>
      {picker('nextDestination', t('fNextDestination'), props.hints.next)}
      {picker('errorDestination', t('fErrorDestination'), props.hints.error)}
    </fieldset>
  );
}
