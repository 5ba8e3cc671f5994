/**
 * What the list pages share: their heading with the add button, changes that reload the list,
 * a filter form (its state, its selects of coded values, the from/to day fields with their
 * default range and Apply), a list read page by page
 * with a cursor, and a list's loading / empty / table states.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { api, messageWithUsedBy } from '../api';
import { useApp } from '../app-context';
import { ErrorBanner, Field } from './field';

export function ListPageHead(props: { title: string; intro: string; addLabel: string; addTestId: string; onAdd: () => void; error: string | undefined }) {
  return (
    <>
      <header class="page-head">
        <h1>{props.title}</h1>
        <button class="primary" onClick={props.onAdd} data-testid={props.addTestId}>
          {props.addLabel}
        </button>
      </header>
      <p class="intro">{props.intro}</p>
      <ErrorBanner message={props.error} />
    </>
  );
}

/**
 * A change from a list page reloads the list; a refusal is shown with what still uses the item
 * (the API names it when a delete would leave a module or destination pointing nowhere).
 */
export function useListChanges(reload: () => Promise<unknown>, setError: (message: string | undefined) => void) {
  const { t } = useApp();
  const change = async (path: string, method: string) => {
    setError(undefined);
    try {
      await api(path, { method });
      await reload();
    } catch (e) {
      setError(messageWithUsedBy(e));
    }
  };
  const remove = async (name: string, path: string) => {
    if (!confirm(t('confirmDelete', name))) return;
    await change(path, 'DELETE');
  };
  return { change, remove };
}

/** The "from" and "to" day fields of a filter form (ids `<prefix>-from`, `<prefix>-to`). */
export function DayRangeFields(props: { idPrefix: string; from: string; to: string; onChange: (range: { from: string; to: string }) => void }) {
  const { t } = useApp();
  const { idPrefix, from, to, onChange } = props;
  return (
    <>
      <Field id={`${idPrefix}-from`} label={t('fFrom')}>
        <input id={`${idPrefix}-from`} type="date" value={from} onChange={(e) => onChange({ from: e.currentTarget.value, to })} />
      </Field>
      <Field id={`${idPrefix}-to`} label={t('fTo')}>
        <input id={`${idPrefix}-to`} type="date" value={to} onChange={(e) => onChange({ from, to: e.currentTarget.value })} />
      </Field>
    </>
  );
}

/**
 * A list page's filters: `filters` as typed, `applied` as the list was last read with. `update`
 * changes some fields as typed; `apply` makes the typed filters the applied ones (a new read).
 */
export function useFilters<F extends { from: string; to: string }>(initial: F) {
  const [filters, setFilters] = useState(initial);
  const [applied, setApplied] = useState(initial);
  return {
    filters,
    applied,
    update: (change: Partial<F>) => setFilters({ ...filters, ...change }),
    apply: () => setApplied({ ...filters }),
  };
}

/** A filter form: the page's own fields, then the from/to days and Apply. */
export function FilterForm<F extends { from: string; to: string }>(props: {
  state: ReturnType<typeof useFilters<F>>;
  idPrefix: string;
  testId?: string;
  applyTestId: string;
  children: ComponentChildren;
}) {
  const { t } = useApp();
  const { filters, update, apply } = props.state;
  return (
    <form
      class="card filters"
      {...(props.testId ? { 'data-testid': props.testId } : {})}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      {props.children}
      <DayRangeFields idPrefix={props.idPrefix} from={filters.from} to={filters.to} onChange={(range) => update(range as Partial<F>)} />
      <div class="actions">
        <button type="submit" class="primary" data-testid={props.applyTestId}>
          {t('apply')}
        </button>
      </div>
    </form>
  );
}

/** A filter's select of coded values (shown by their `<codePrefix>.<value>` label), first "all". */
export function CodeSelect(props: {
  id: string;
  label: string;
  value: string;
  allLabel: string;
  codes: readonly string[];
  codePrefix: string;
  onChange: (value: string) => void;
}) {
  const { code } = useApp();
  return (
    <Field id={props.id} label={props.label}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{props.allLabel}</option>
        {props.codes.map((value) => (
          <option key={value} value={value}>
            {code(`${props.codePrefix}.${value}`)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A list while it loads, its empty message, or its table with these column headings and rows. */
export function ListTable<T>(props: {
  rows: readonly T[] | null;
  empty: string;
  emptyTestId?: string;
  tableTestId: string;
  columns: readonly string[];
  row: (item: T) => ComponentChildren;
}) {
  const { t } = useApp();
  if (props.rows === null) return <p>{t('loading')}</p>;
  if (props.rows.length === 0) return <p {...(props.emptyTestId ? { 'data-testid': props.emptyTestId } : {})}>{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table data-testid={props.tableTestId}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column}>{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.rows.map(props.row)}</tbody>
      </table>
    </div>
  );
}

/** YYYY-MM-DD in UTC, as the API's day filters take it. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The last `days` days up to today, as a filter's default range. */
export function lastDays(days: number): { from: string; to: string } {
  return { from: isoDay(new Date(Date.now() - (days - 1) * 86_400_000)), to: isoDay(new Date()) };
}

/**
 * A list read page by page: `reload()` reads the first page again (the list shows "loading"
 * meanwhile), `more()` appends the page after `cursor`. `rows` is null until the first page is in.
 * A read that a later `reload()` has superseded (say, the unfiltered first page still in flight
 * when new filters are applied) is dropped when it answers, so it cannot replace newer rows.
 */
export function useCursorPages<T>(readPage: (cursor: string | undefined) => Promise<{ rows: T[]; nextCursor?: string }>) {
  const [rows, setRows] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const generation = useRef(0);
  const load = async (after?: string) => {
    const started = generation.current;
    const page = await readPage(after);
    if (started !== generation.current) return;
    setRows((previous) => (after && previous ? [...previous, ...page.rows] : page.rows));
    setCursor(page.nextCursor);
  };
  return {
    rows,
    setRows,
    cursor,
    reload: () => {
      generation.current += 1;
      setRows(null);
      setCursor(undefined);
      return load();
    },
    more: () => load(cursor),
  };
}

/** "Load more" under a list while there is a next page; a failure shows in the page's banner. */
export function LoadMoreButton(props: { cursor: string | undefined; more: () => Promise<void>; onError: (message: string) => void; testId: string }) {
  const { t } = useApp();
  if (!props.cursor) return null;
  return (
    <button onClick={() => void props.more().catch((e: unknown) => props.onError((e as Error).message))} data-testid={props.testId}>
      {t('loadMore')}
    </button>
  );
}
