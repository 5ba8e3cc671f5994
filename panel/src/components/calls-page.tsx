/** The call log: filters, a chart of outcomes per day (inline SVG), and the calls, newest first. */
import { useEffect, useState } from 'preact/hooks';
import { api, type CallEntry, type ModuleRow } from '../api';
import { useApp } from '../app-context';
import { formatDateTime, formatDay } from '../i18n';
import { ErrorBanner, Field } from './field';
import { formatAmount } from '../money';
import { CodeSelect, FilterForm, isoDay, lastDays, ListTable, LoadMoreButton, useCursorPages, useFilters } from './list-page';

const OUTCOME_COLOURS: Record<string, string> = {
  next: '#2e7d32',
  'paid-in-call': '#00897b',
  'no-debt': '#1565c0',
  error: '#c62828',
  abandoned: '#ef6c00',
  failed: '#6d6d6d',
};

export function OutcomesChart(props: { days: Record<string, Record<string, number>>; from: string; to: string }) {
  const { t, code, digits, lang, meta } = useApp();
  const days: string[] = [];
  for (let d = new Date(`${props.from}T00:00:00Z`); isoDay(d) <= props.to; d.setUTCDate(d.getUTCDate() + 1)) days.push(isoDay(d));
  const totals = days.map((day) => Object.values(props.days[day] ?? {}).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 180;
  const pad = { top: 10, bottom: 28, side: 28 };
  const slot = (width - pad.side * 2) / Math.max(1, days.length);
  const bar = Math.max(4, slot * 0.7);
  const scale = (height - pad.top - pad.bottom) / max;
  // In Persian the days run right to left, as the page does.
  const x = (i: number) => (lang === 'fa' ? width - pad.side - (i + 1) * slot : pad.side + i * slot) + (slot - bar) / 2;
  const labelEvery = Math.ceil(days.length / 7);
  return (
    <figure class="card chart" data-testid="outcomes-chart">
      <figcaption>{t('chartTitle')}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('chartTitle')} preserveAspectRatio="none">
        <line x1={pad.side} x2={width - pad.side} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#999" />
        <text x={lang === 'fa' ? width - 4 : 4} y={pad.top + 8} font-size="11" text-anchor={lang === 'fa' ? 'end' : 'start'} fill="#555">
          {digits(max)}
        </text>
        {days.map((day, i) => {
          let y = height - pad.bottom;
          const counts = props.days[day] ?? {};
          return (
            <g key={day} data-day={day}>
              {meta.outcomes.map((outcome) => {
                const n = counts[outcome] ?? 0;
                if (n === 0) return null;
                const h = n * scale;
                y -= h;
                return (
                  <rect key={outcome} x={x(i)} y={y} width={bar} height={h} fill={OUTCOME_COLOURS[outcome] ?? '#888'} data-outcome={outcome} data-count={n}>
                    <title>{`${formatDay(lang, day)} — ${code(`outcome.${outcome}`)}: ${digits(n)}`}</title>
                  </rect>
                );
              })}
              {(days.length - 1 - i) % labelEvery === 0 && (
                <text x={x(i) + bar / 2} y={height - 10} font-size="11" text-anchor="middle" fill="#555">
                  {formatDay(lang, day)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {meta.outcomes.map((outcome) => (
          <li key={outcome}>
            <span class="swatch" style={{ background: OUTCOME_COLOURS[outcome] ?? '#888' }} />
            {code(`outcome.${outcome}`)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function CallsPage() {
  const { t, code, digits, lang, meta } = useApp();
  const [modules, setModules] = useState<ModuleRow[]>([]);
  const filterState = useFilters({ module: '', outcome: '', ...lastDays(14) });
  const { filters, applied, update } = filterState;
  const [chart, setChart] = useState<{ days: Record<string, Record<string, number>>; fromDay: string; toDay: string } | null>(null);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    void api<{ modules: ModuleRow[] }>('/modules').then((r) => setModules(r.modules));
  }, []);

  const list = useCursorPages(async (after) => {
    const page = await api<{ entries: CallEntry[]; nextCursor?: string }>('/calls', {
      query: { module: applied.module, outcome: applied.outcome, from: applied.from, to: applied.to, limit: 50, cursor: after },
    });
    return { rows: page.entries, nextCursor: page.nextCursor };
  });

  useEffect(() => {
    setError(undefined);
    Promise.all([
      list.reload(),
      api<{ days: Record<string, Record<string, number>>; fromDay: string; toDay: string }>('/calls/outcomes-per-day', {
        query: { module: applied.module, from: applied.from, to: applied.to },
      })
        .then(setChart)
        .catch(() => setChart(null)),
    ]).catch((e: unknown) => setError((e as Error).message));
  }, [applied]);

  return (
    <section>
      <header class="page-head">
        <h1>{t('callsTitle')}</h1>
      </header>
      <FilterForm state={filterState} idPrefix="f" applyTestId="apply-filters">
        <Field id="f-module" label={t('fModule')}>
          <select id="f-module" value={filters.module} onChange={(e) => update({ module: e.currentTarget.value })}>
            <option value="">{t('allModules')}</option>
            {modules.map((m) => (
              <option key={m.module.code} value={m.module.code}>
                {m.module.code}
              </option>
            ))}
          </select>
        </Field>
        <CodeSelect
          id="f-outcome"
          label={t('fOutcome')}
          value={filters.outcome}
          allLabel={t('allOutcomes')}
          codes={meta.outcomes}
          codePrefix="outcome"
          onChange={(outcome) => update({ outcome })}
        />
      </FilterForm>
      <ErrorBanner message={error} />
      {chart && <OutcomesChart days={chart.days} from={chart.fromDay} to={chart.toDay} />}
      <ListTable
        rows={list.rows}
        empty={t('noCalls')}
        tableTestId="calls-table"
        columns={[t('colTime'), t('colModule'), t('colCaller'), t('colOutcome'), t('colReason'), t('colOwed'), t('colDestination'), t('colDuration')]}
        row={(c) => (
          <tr key={c.callSid} data-testid={`call-${c.callSid}`} data-module={c.moduleCode} data-outcome={c.outcome}>
            <td>{formatDateTime(lang, c.startedAt)}</td>
            <td dir="ltr">{c.moduleCode}</td>
            <td>
              <bdi dir="ltr">{c.from}</bdi>
            </td>
            <td>
              <span class={`badge outcome-${c.outcome}`}>{code(`outcome.${c.outcome}`)}</span>
            </td>
            <td dir="ltr">
              {c.reason ?? ''}
              {(c.refundNeeded ?? []).length > 0 && (
                <a class="badge off" href="#/payments" data-testid="call-refund-flag" dir="auto">
                  {t('refundFlagOnCall', (c.refundNeeded ?? []).join(', '))}
                </a>
              )}
            </td>
            <td>
              {formatAmount(lang, c.owed, c.currency)}
              {c.paid && (
                <div class="paid" data-testid="call-paid">
                  {t('paidByCard', formatAmount(lang, c.paid.amount, c.paid.currency), c.paid.maskedCard ?? '', c.paid.confirmationCode)}
                </div>
              )}
            </td>
            <td dir="ltr">{c.destination ?? ''}</td>
            <td>{c.durationSeconds !== undefined ? t('seconds', digits(c.durationSeconds)) : ''}</td>
          </tr>
        )}
      />
      <LoadMoreButton cursor={list.cursor} more={list.more} onError={setError} testId="more-calls" />
    </section>
  );
}
