import { useEffect, useState } from 'preact/hooks';
import { api, type Destination, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { DestinationForm, destinationSummary } from './destination-form';
import { ListPageHead, useListChanges } from './list-page';

interface Row {
  destination: Destination;
  usedBy: string[];
}

export function useTypeName() {
  const { t } = useApp();
  return (type: Destination['type']) =>
    t(type === 'dial' ? 'dTypeDial' : type === 'module' ? 'dTypeModule' : type === 'redirect' ? 'dTypeRedirect' : 'dTypeHangup');
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

  const { remove } = useListChanges(load, setError);

  return (
    <section>
      <ListPageHead
        title={t('destinationsTitle')}
        intro={t('destinationsIntro')}
        addLabel={t('addDestination')}
        addTestId="add-destination"
        onAdd={() => setEditing('new')}
        error={error}
      />
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
                  <td>
                    <bdi>{destinationSummary(destination, typeName)}</bdi>
                  </td>
                  <td dir="ltr">{usedBy.join(', ')}</td>
                  <td class="row-actions">
                    <button onClick={() => setEditing(destination)}>{t('edit')}</button>
                    <button class="danger" onClick={() => void remove(destination.code, `/destinations/${encodeURIComponent(destination.code)}`)}>
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
