/** Module list: status, destinations, the webhook URL to copy, and enable/disable/delete. */
import { useEffect, useState } from 'preact/hooks';
import { api, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { ListPageHead, useListChanges } from './list-page';

export function CopyField(props: { value: string; testId: string }) {
  const { t } = useApp();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      // Clipboard is refused on plain http: select the text so the operator can copy it.
      document.querySelector<HTMLInputElement>(`[data-testid="${props.testId}"]`)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <div class="copy-field">
      <input readOnly value={props.value} dir="ltr" data-testid={props.testId} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={() => void copy()}>
        {copied ? t('copied') : t('copy')}
      </button>
    </div>
  );
}

export function ModulesPage() {
  const { t, navigate } = useApp();
  const [rows, setRows] = useState<ModuleRow[] | null>(null);
  const [error, setError] = useState<string | undefined>();
  const load = () =>
    api<{ modules: ModuleRow[] }>('/modules')
      .then((r) => setRows(r.modules))
      .catch((e: unknown) => setError((e as Error).message));
  useEffect(() => {
    void load();
  }, []);

  const { change, remove } = useListChanges(load, setError);

  return (
    <section>
      <ListPageHead
        title={t('modulesTitle')}
        intro={t('modulesIntro')}
        addLabel={t('addModule')}
        addTestId="add-module"
        onAdd={() => navigate('#/modules/new')}
        error={error}
      />
      {rows === null ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('noModules')}</p>
      ) : (
        <ul class="cards">
          {rows.map(({ module: m, webhookUrl, nextDestination, errorDestination }) => (
            <li class="card module-card" key={m.code} data-testid={`module-${m.code}`}>
              <div class="module-head">
                <h2>
                  {m.name} <code dir="ltr">{m.code}</code>
                </h2>
                <span class={`badge ${m.enabled ? 'ok' : 'off'}`}>{m.enabled ? t('enabled') : t('disabled')}</span>
                <span class="badge">{m.language === 'fa' ? t('langFa') : t('langEn')}</span>
                {m.kind === 'club' && <span class="badge">{t('kindClub')}</span>}
              </div>
              <dl class="dests">
                <dt>{t('next')}</dt>
                <dd dir="ltr">
                  {m.nextDestination}
                  {nextDestination?.name ? ` — ${nextDestination.name}` : ''}
                </dd>
                <dt>{t('error')}</dt>
                <dd dir="ltr">
                  {m.errorDestination}
                  {errorDestination?.name ? ` — ${errorDestination.name}` : ''}
                </dd>
              </dl>
              <label class="small">{t('webhookUrl')}</label>
              <CopyField value={webhookUrl} testId={`webhook-${m.code}`} />
              <div class="actions">
                <button onClick={() => navigate(`#/modules/${encodeURIComponent(m.code)}`)} data-testid={`edit-${m.code}`}>
                  {t('edit')}
                </button>
                <button onClick={() => void change(`/modules/${encodeURIComponent(m.code)}/${m.enabled ? 'disable' : 'enable'}`, 'POST')}>
                  {m.enabled ? t('disable') : t('enable')}
                </button>
                <button class="danger" onClick={() => void remove(m.code, `/modules/${encodeURIComponent(m.code)}`)}>
                  {t('delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
