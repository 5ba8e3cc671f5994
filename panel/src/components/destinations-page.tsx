import { useEffect, useState } from 'preact/hooks';
import { api, messageWithUsedBy, type Destination, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { DestinationForm, destinationSummary } from './destination-form';
import { ErrorBanner } from './field';

interface Row {
  destination: Destination;
  usedBy: string[];
}

export function useTypeName() {
  const { t } = useApp();
  return (type: Destination['type']) => t(type === 'dial' ? 'dTypeDial' : type === 'module' ? 'dTypeModule' : type === 'redirect' ? 'dTypeRedirect' : 'dTypeHangup');
}

export function DestinationsPage() {
  const { t } = useApp();
  const typeName = useTypeName();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [modules, setModules] = useState<ModuleRow[]>([]);
  const [editing, setEditing] = useState<Destination | 'new' | null>(null);
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    const [d, m] = await Promise.all([api<{ destinations: Row[] }>('/destinations'), api<{ modules: ModuleRow[] }>('/modules')]);
    setRows(d.destinations);
    setModules(m.modules);
  };
  useEffect(() => {
    load().catch((e: unknown) => setError(String((e as Error).message)));
  }, []);

  const remove = async (d: Destination) => {
    if (!confirm(t('confirmDelete', d.code))) return;
    setError(undefined);
    try {
      await api(`/destinations/${encodeURIComponent(d.code)}`, { method: 'DELETE' });
      await load();
    } catch (e) {
      setError(messageWithUsedBy(e));
    }
  };

  return (
    <section>
      <header class="page-head">
        <h1>{t('destinationsTitle')}</h1>
        <button class="primary" onClick={() => setEditing('new')} data-testid="add-destination">
          {t('addDestination')}
        </button>
      </header>
      <p class="intro">{t('destinationsIntro')}</p>
      <ErrorBanner message={error} />
      {editing && (
        <DestinationForm
          idPrefix="dest"
          modules={modules}
          {...(editing !== 'new' ? { existing: editing } : {})}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
      {rows === null ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('noDestinations')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('fCode')}</th>
                <th>{t('fName')}</th>
                <th>{t('dType')}</th>
                <th>{t('usedBy')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map(({ destination, usedBy }) => (
                <tr key={destination.code} data-testid={`destination-${destination.code}`}>
                  <td dir="ltr">{destination.code}</td>
                  <td>{destination.name ?? ''}</td>
                  <td><bdi>{destinationSummary(destination, typeName)}</bdi></td>
                  <td dir="ltr">{usedBy.join(', ')}</td>
                  <td class="row-actions">
                    <button onClick={() => setEditing(destination)}>{t('edit')}</button>
                    <button class="danger" onClick={() => void remove(destination)}>
                      {t('delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
