/** SMS the product sent (payment links), newest first, when an outbox is configured. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useApp } from '../app-context';
import { formatDateTime } from '../i18n';
import { ErrorBanner } from './field';

interface Message {
  id: string;
  to: string;
  body: string;
  createdAt: string;
  status?: string;
  moduleCode?: string;
}

export function OutboxPage() {
  const { t, lang } = useApp();
  const [state, setState] = useState<{ available: boolean; messages: Message[]; nextCursor?: string } | null>(null);
  const [error, setError] = useState<string | undefined>();
  const load = (cursor?: string) =>
    api<{ available: boolean; messages: Message[]; nextCursor?: string }>('/outbox', { query: { cursor } })
      .then((r) => setState((prev) => (cursor && prev ? { ...r, messages: [...prev.messages, ...r.messages] } : r)))
      .catch((e: unknown) => setError((e as Error).message));
  useEffect(() => {
    void load();
  }, []);
  return (
    <section>
      <header class="page-head">
        <h1>{t('outboxTitle')}</h1>
      </header>
      <ErrorBanner message={error} />
      {state === null ? (
        <p>{t('loading')}</p>
      ) : !state.available ? (
        <p class="banner" data-testid="outbox-unavailable">
          {t('outboxUnavailable')}
        </p>
      ) : state.messages.length === 0 ? (
        <p>{t('noMessages')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('colTime')}</th>
                <th>{t('colTo')}</th>
                <th>{t('colText')}</th>
                <th>{t('colModule')}</th>
                <th>{t('colStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {state.messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(lang, m.createdAt)}</td>
                  <td dir="ltr">{m.to}</td>
                  <td dir="auto">{m.body}</td>
                  <td dir="ltr">{m.moduleCode ?? ''}</td>
                  <td>{m.status ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state?.nextCursor && <button onClick={() => void load(state.nextCursor)}>{t('loadMore')}</button>}
    </section>
  );
}
