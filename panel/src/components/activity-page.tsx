/**
 * Activity: the audit trail of admin changes, newest first. Filters (area, action, code or
 * name, which admin key, date range), and per entry who (key, address), what, the warnings the
 * operator was given, and the before/after (secrets never reach the panel: the API strips them).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type AuditEntry } from '../api';
import { useApp } from '../app-context';
import { formatDateTime } from '../i18n';
import { ErrorBanner, Field } from './field';
import { CodeSelect, FilterForm, lastDays, ListTable, LoadMoreButton, useCursorPages, useFilters } from './list-page';

function Snapshot(props: { label: string; value: unknown; testId: string }) {
  if (props.value === undefined) return null;
  return (
    <div class="snapshot">
      <strong>{props.label}</strong>
      <pre dir="ltr" data-testid={props.testId}>
        {JSON.stringify(props.value, null, 2)}
      </pre>
    </div>
  );
}

export function ActivityPage() {
  const { t, code, lang, meta } = useApp();
  const filterState = useFilters({ area: '', action: '', target: '', key: '', ...lastDays(30) });
  const { filters, applied, update } = filterState;
  const [error, setError] = useState<string | undefined>();

  const list = useCursorPages(async (after) => {
    const page = await api<{ entries: AuditEntry[]; nextCursor?: string }>('/audit', {
      query: {
        area: applied.area,
        action: applied.action,
        target: applied.target.trim(),
        key: applied.key,
        from: applied.from,
        to: applied.to,
        limit: 50,
        cursor: after,
      },
    });
    return { rows: page.entries, nextCursor: page.nextCursor };
  });

  useEffect(() => {
    setError(undefined);
    list.reload().catch((e: unknown) => setError((e as Error).message));
  }, [applied]);

  return (
    <section>
      <header class="page-head">
        <h1>{t('activityTitle')}</h1>
      </header>
      <p class="hint">{t('activityIntro')}</p>
      <FilterForm state={filterState} idPrefix="a" testId="activity-filters" applyTestId="apply-activity-filters">
        <CodeSelect
          id="a-area"
          label={t('fArea')}
          value={filters.area}
          allLabel={t('allAreas')}
          codes={meta.auditAreas}
          codePrefix="area"
          onChange={(area) => update({ area })}
        />
        <CodeSelect
          id="a-action"
          label={t('fAction')}
          value={filters.action}
          allLabel={t('allActions')}
          codes={meta.auditActions}
          codePrefix="action"
          onChange={(action) => update({ action })}
        />
        <Field id="a-target" label={t('fTarget')}>
          <input id="a-target" dir="ltr" value={filters.target} onInput={(e) => update({ target: e.currentTarget.value })} />
        </Field>
        <CodeSelect
          id="a-key"
          label={t('fKey')}
          value={filters.key}
          allLabel={t('allKeys')}
          codes={['current', 'next']}
          codePrefix="key"
          onChange={(key) => update({ key })}
        />
      </FilterForm>
      <ErrorBanner message={error} />
      <ListTable
        rows={list.rows}
        empty={t('noActivity')}
        emptyTestId="no-activity"
        tableTestId="activity-table"
        columns={[t('colTime'), t('colArea'), t('colAction'), t('colTarget'), t('colKey'), t('colAddress'), t('colChange')]}
        row={(entry) => (
          <tr
            key={entry.id}
            data-testid={`activity-${entry.id}`}
            data-area={entry.area}
            data-action={entry.action}
            data-target={entry.target}
            data-key={entry.key}
          >
            <td>{formatDateTime(lang, entry.at)}</td>
            <td>{code(`area.${entry.area}`)}</td>
            <td>{code(`action.${entry.action}`)}</td>
            <td dir="ltr">{entry.target}</td>
            <td>
              <span class="badge">{code(`key.${entry.key}`)}</span>
            </td>
            <td dir="ltr">{entry.sourceIp ?? ''}</td>
            <td>
              {entry.failed && (
                <span class="badge off" data-testid="activity-failed">
                  {t('failedPartly')}
                </span>
              )}
              {(entry.warnings ?? []).map((warning) => (
                <span key={warning} class="badge off" data-testid="activity-warning">
                  {code(`warning.${warning}`)}
                </span>
              ))}
              {(entry.before !== undefined || entry.after !== undefined) && (
                <details>
                  <summary>{t('showChange')}</summary>
                  <Snapshot label={t('before')} value={entry.before} testId="activity-before" />
                  <Snapshot label={t('after')} value={entry.after} testId="activity-after" />
                </details>
              )}
            </td>
          </tr>
        )}
      />
      <LoadMoreButton cursor={list.cursor} more={list.more} onError={setError} testId="more-activity" />
    </section>
  );
}
