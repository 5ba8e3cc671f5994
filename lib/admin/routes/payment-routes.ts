/**
 * The Payments page: what payment providers took (newest first, by day and status), and the
 * one write, marking a payment flagged "refund or credit needed" as handled (audited).
 */
import { audited } from '../../audit/audit-trail';
import { PAYMENT_STATUSES } from '../../payments/payment-records';
import { ConflictError, NotFoundError, UnavailableError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRouter } from '../admin-router';
import { ok, queryChoice, queryInt } from '../request-body';
import { dayRange } from './call-log-routes';

function payments(deps: AdminDeps): NonNullable<AdminDeps['payments']> {
  if (!deps.payments) throw new UnavailableError('payments_unavailable');
  return deps.payments;
}

export function addPaymentRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'GET',
      '/payments',
      {
        summary:
          'Payments providers took, newest first: provider, status, amount (minor units of its currency), reference, link or call, and the "refund or credit needed" flag (status refund-needed; handledAt once an operator dealt with it)',
        tag: 'payments',
        query: [
          { name: 'status', description: PAYMENT_STATUSES.join(', '), schema: { type: 'string', enum: PAYMENT_STATUSES } },
          { name: 'from', description: 'First day, YYYY-MM-DD (UTC); default 30 days before `to`' },
          { name: 'to', description: 'Last day, YYYY-MM-DD (UTC); default today' },
          { name: 'limit', description: '1–200, default 50', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'cursor', description: 'nextCursor of the previous page' },
        ],
        errors: [400, 503],
      },
      async (request) => {
        const status = queryChoice(request, 'status', PAYMENT_STATUSES);
        const cursor = request.query.cursor;
        return ok(
          await payments(deps).list({
            ...dayRange(deps, request, 30),
            ...(status ? { status } : {}),
            limit: queryInt(request, 'limit', 50, 1, 200),
            ...(cursor ? { cursor } : {}),
          }),
        );
      },
    )
    .add(
      'POST',
      '/payments/:id/handled',
      {
        summary:
          'Mark a payment flagged "refund or credit needed" as handled (after refunding it at the provider or crediting the customer); recorded on the Activity page',
        tag: 'payments',
        errors: [404, 409, 503],
      },
      async (request, params) => {
        const store = payments(deps);
        const id = params.id ?? '';
        const before = await store.get(id);
        if (!before) throw new NotFoundError('payment_not_found');
        if (before.status !== 'refund-needed') throw new ConflictError('payment_not_flagged');
        if (before.handledAt) throw new ConflictError('payment_already_handled');
        const handledAt = (deps.clock ?? (() => new Date()))().toISOString();
        await audited(deps.audit, request.actor, { area: 'payment', action: 'handle', target: id, before, after: { ...before, handledAt } }, async () => {
          // A concurrent operator may have been first: the conditional update says so, and this entry is taken back.
          if (!(await store.markHandled(id, handledAt))) throw new ConflictError('payment_already_handled');
        });
        return ok({ payment: { ...before, handledAt } });
      },
    );
}
