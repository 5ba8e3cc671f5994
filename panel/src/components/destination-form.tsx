/** Create or edit one destination; used on the destinations page and inline in the module form. */
import { useState } from 'preact/hooks';
import { api, ApiError, type Destination, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { latinDigits } from '../i18n';
import { ErrorBanner, Field, FormActions } from './field';

type Type = Destination['type'];

export function DestinationForm(props: {
  existing?: Destination;
  idPrefix: string;
  modules: ModuleRow[];
  onSaved: (d: Destination) => void;
  onCancel: () => void;
}) {
  const { t } = useApp();
  const e = props.existing;
  const [type, setType] = useState<Type>(e?.type ?? 'dial');
  const [code, setCode] = useState(e?.code ?? '');
  const [name, setName] = useState(e?.name ?? '');
  const [target, setTarget] = useState(e?.type === 'dial' ? e.target : '');
  const [timeout, setTimeoutSeconds] = useState(e?.type === 'dial' && e.timeoutSeconds ? String(e.timeoutSeconds) : '');
  const [url, setUrl] = useState(e?.type === 'redirect' ? e.url : '');
  const [moduleCode, setModuleCode] = useState(e?.type === 'module' ? e.moduleCode : '');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `${props.idPrefix}-${field}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    event.stopPropagation();
    const base = { code: code.trim(), ...(name.trim() ? { name: name.trim() } : {}) };
    const body =
      type === 'dial'
        ? { ...base, type, target: latinDigits(target.trim()), ...(timeout ? { timeoutSeconds: Number(latinDigits(timeout)) } : {}) }
        : type === 'redirect'
          ? { ...base, type, url: url.trim() }
          : type === 'module'
            ? { ...base, type, moduleCode }
            : { ...base, type };
    setBusy(true);
    setError(null);
    try {
      const saved = e
        ? await api<{ destination: Destination }>(`/destinations/${encodeURIComponent(e.code)}`, { method: 'PUT', body })
        : await api<{ destination: Destination }>('/destinations', { method: 'POST', body });
      props.onSaved(saved.destination);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err), [], {}));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => error?.forField(field);
  const shown = new Set(['code', 'name', 'type', 'target', 'timeoutSeconds', 'url', 'moduleCode']);

  return (
    <form class="card destination-form" onSubmit={submit} data-testid={`${props.idPrefix}-form`}>
      <ErrorBanner message={error?.message} list={error?.errors.filter((x) => !shown.has(x.field))} />
      <div class="grid">
        <Field id={id('code')} label={t('fCode')} error={fieldError('code')}>
          <input id={id('code')} value={code} disabled={!!e} dir="ltr" onInput={(ev) => setCode(ev.currentTarget.value)} />
        </Field>
        <Field id={id('name')} label={t('fName')} error={fieldError('name')}>
          <input id={id('name')} value={name} onInput={(ev) => setName(ev.currentTarget.value)} />
        </Field>
        <Field id={id('type')} label={t('dType')} error={fieldError('type')}>
          <select id={id('type')} value={type} onChange={(ev) => setType(ev.currentTarget.value as Type)}>
            <option value="dial">{t('dTypeDial')}</option>
            <option value="module">{t('dTypeModule')}</option>
            <option value="redirect">{t('dTypeRedirect')}</option>
            <option value="hangup">{t('dTypeHangup')}</option>
          </select>
        </Field>
        {type === 'dial' && (
          <>
            <Field id={id('target')} label={t('dTarget')} error={fieldError('target')}>
              <input id={id('target')} value={target} dir="ltr" placeholder="+982191000000" onInput={(ev) => setTarget(ev.currentTarget.value)} />
            </Field>
            <Field id={id('timeout')} label={t('dTimeout')} error={fieldError('timeoutSeconds')}>
              <input id={id('timeout')} value={timeout} inputMode="numeric" dir="ltr" onInput={(ev) => setTimeoutSeconds(ev.currentTarget.value)} />
            </Field>
          </>
        )}
        {type === 'redirect' && (
          <Field id={id('url')} label={t('dUrl')} error={fieldError('url')}>
            <input id={id('url')} value={url} dir="ltr" placeholder="https://" onInput={(ev) => setUrl(ev.currentTarget.value)} />
          </Field>
        )}
        {type === 'module' && (
          <Field id={id('module')} label={t('dModule')} error={fieldError('moduleCode')}>
            <select id={id('module')} value={moduleCode} onChange={(ev) => setModuleCode(ev.currentTarget.value)}>
              <option value="">{t('none')}</option>
              {props.modules.map((m) => (
                <option key={m.module.code} value={m.module.code}>
                  {m.module.code} — {m.module.name}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      <FormActions busy={busy} saveTestId={`${props.idPrefix}-save`} saveLabel={e ? t('save') : t('create')} onCancel={props.onCancel} />
    </form>
  );
}

export function destinationSummary(d: Destination, typeName: (type: Type) => string): string {
  const what = d.type === 'dial' ? d.target : d.type === 'redirect' ? d.url : d.type === 'module' ? d.moduleCode : '';
  return `${typeName(d.type)}${what ? `: ${what}` : ''}`;
}
