/** The call log (filters, paging, outcomes per day for the chart) and the SMS outbox. */
import type { CallOutcome } from '../../domain/call-log-entry';
import { previousDay } from '../../domain/calendar-day';
import { adminFieldError } from '../admin-messages';
import { BadRequestError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRequest, AdminRouter } from '../admin-router';
import { ok, queryChoice, queryDay, queryInt } from '../request-body';

export const CALL_OUTCOMES: readonly CallOutcome[] = ['next', 'paid-in-call', 'error', 'no-debt', 'abandoned', 'failed'];
/** The longest range a list (calls, payments, activity) reads at once, in days. */
const MAX_RANGE_DAYS = 366;
const MAX_CHART_DAYS = 92;

export function dayRange(
  deps: Pick<AdminDeps, 'clock'>,
  request: AdminRequest,
  defaultDays: number,
  maxDays = MAX_RANGE_DAYS,
): { fromDay: string; toDay: string } {
  const today = (deps.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  const toDay = queryDay(request, 'to', today);
  let defaultFrom = toDay;
  for (let i = 1; i < defaultDays; i += 1) defaultFrom = previousDay(defaultFrom);
  const fromDay = queryDay(request, 'from', defaultFrom);
  const days = (Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1 || days > maxDays) throw new BadRequestError('invalid_query', [adminFieldError('from', 'invalid', request.language)]);
  return { fromDay, toDay };
}

function moduleFilter(request: AdminRequest): { moduleCode?: string } {
  const code = request.query.module;
  if (code === undefined || code === '') return {};
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(code)) throw new BadRequestError('invalid_query', [adminFieldError('module', 'code_format', request.language)]);
  return { moduleCode: code };
}

const FILTERS = [
  { name: 'module', description: 'Module code' },
  { name: 'from', description: 'First day, YYYY-MM-DD (UTC); default 30 days before `to`' },
  { name: 'to', description: 'Last day, YYYY-MM-DD (UTC); default today' },
];

export function addCallLogRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'GET',
      '/calls',
      {
        summary: 'Calls, newest first',
        tag: 'calls',
        query: [
          ...FILTERS,
          { name: 'outcome', description: CALL_OUTCOMES.join(', '), schema: { type: 'string', enum: CALL_OUTCOMES } },
          { name: 'limit', description: '1–200, default 50', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'cursor', description: 'nextCursor of the previous page' },
        ],
        errors: [400],
      },
      async (request) => {
        const outcome = queryChoice(request, 'outcome', CALL_OUTCOMES);
        const cursor = request.query.cursor;
        const page = await deps.callLog.search({
          ...dayRange(deps, request, 30),
          ...moduleFilter(request),
          ...(outcome ? { outcome } : {}),
          limit: queryInt(request, 'limit', 50, 1, 200),
          ...(cursor ? { cursor } : {}),
        });
        return ok(page);
      },
    )
    .add(
      'GET',
      '/calls/outcomes-per-day',
      { summary: 'How many calls ended with each outcome, per day (for the chart)', tag: 'calls', query: FILTERS, errors: [400] },
      async (request) => {
        const range = dayRange(deps, request, 14, MAX_CHART_DAYS);
        return ok({ ...range, days: await deps.callLog.outcomesPerDay({ ...range, ...moduleFilter(request) }) });
      },
    )
    .add(
      'GET',
      '/outbox',
      {
        summary: 'SMS messages the product sent or queued (newest first); `available` is false where no outbox is configured',
        tag: 'outbox',
        query: [
          { name: 'limit', description: '1–200, default 50' },
          { name: 'cursor', description: 'nextCursor of the previous page' },
        ],
      },
      async (request) => {
        if (!deps.outbox) return ok({ available: false, messages: [] });
        const cursor = request.query.cursor;
        return ok({ available: true, ...(await deps.outbox.list({ limit: queryInt(request, 'limit', 50, 1, 200), ...(cursor ? { cursor } : {}) })) });
      },
    );
}
