/**
 * Payments: what the payment providers took, newest first, filtered by status and date. Per
 * payment its provider, status, amount (money.ts, as the customer saw it), the provider's
 * reference, the link or call it came from, and the "refund or credit needed" flag with the
 * button that marks it handled (recorded on the Activity page).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type PaymentEntry } from '../api';
import { useApp } from '../app-context';
import { formatDateTime } from '../i18n';
import { formatAmount } from '../money';
import { ErrorBanner } from './field';
import { CodeSelect, FilterForm, lastDays, ListTable, LoadMoreButton, useCursorPages, useFilters } from './list-page';

export function PaymentsPage() {
  const { t, code, lang, meta } = useApp();
  const filterState = useFilters({ status: '', ...lastDays(30) });
  const { filters, applied, update } = filterState;
  const [error, setError] = useState<string | undefined>();

  const list = useCursorPages(async (after) => {
    const page = await api<{ payments: PaymentEntry[]; nextCursor?: string }>('/payments', {
      query: { status: applied.status, from: applied.from, to: applied.to, limit: 50, cursor: after },
    });
    return { rows: page.payments, nextCursor: page.nextCursor };
  });

  useEffect(() => {
    setError(undefined);
    list.reload().catch((e: unknown) => setError((e as Error).message));
  }, [applied]);

  const markHandled = async (payment: PaymentEntry) => {
    if (!confirm(t('confirmHandled', payment.id))) return;
    setError(undefined);
    try {
      const { payment: updated } = await api<{ payment: PaymentEntry }>(`/payments/${encodeURIComponent(payment.id)}/handled`, { method: 'POST' });
      list.setRows((rows) => (rows ?? []).map((p) => (p.id === updated.id ? updated : p)));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const reason = (p: PaymentEntry) => (p.refundReason ? code(`refundReason.${p.refundReason}`) : '');

  return (
    <section>
      <header class="page-head">
        <h1>{t('paymentsTitle')}</h1>
      </header>
      <p class="hint">{t('paymentsIntro')}</p>
      <FilterForm state={filterState} idPrefix="p" testId="payment-filters" applyTestId="apply-payment-filters">
        <CodeSelect
          id="p-status"
          label={t('fPaymentStatus')}
          value={filters.status}
          allLabel={t('allPaymentStatuses')}
          codes={meta.paymentStatuses ?? []}
          codePrefix="paymentStatus"
          onChange={(status) => update({ status })}
        />
      </FilterForm>
      <ErrorBanner message={error} />
      <ListTable
        rows={list.rows}
        empty={t('noPayments')}
        emptyTestId="no-payments"
        tableTestId="payments-table"
        columns={[t('colTime'), t('colProvider'), t('colStatus'), t('colAmount'), t('colReference'), t('colSource'), t('colFlag')]}
        row={(p) => (
          <tr key={p.id} data-testid={`payment-${p.id}`} data-status={p.status} data-provider={p.provider} data-handled={p.handledAt ? 'true' : 'false'}>
            <td>{formatDateTime(lang, p.createdAt)}</td>
            <td>{code(`provider.${p.provider}`)}</td>
            <td>
              <span class={`badge ${p.status === 'paid' ? 'ok' : p.status === 'refund-needed' ? 'off' : ''}`} data-testid="payment-status">
                {code(`paymentStatus.${p.status}`)}
              </span>
              {p.status === 'failed' && reason(p) && <div class="hint">{reason(p)}</div>}
            </td>
            <td data-testid="payment-amount">{formatAmount(lang, p.amount, p.currency)}</td>
            <td dir="ltr">
              <bdi>{p.reference}</bdi>
              {p.maskedCard && <div class="hint">{t('cardLabel', p.maskedCard)}</div>}
            </td>
            <td data-testid="payment-source">
              {p.linkId && <div dir="auto">{t('linkLabel', p.linkId)}</div>}
              {p.callSid && <div dir="auto">{t('callLabel', p.callSid)}</div>}
              {p.moduleCode && <div class="hint">{t('moduleLabel', p.moduleCode)}</div>}
              <div class="hint">{p.customerId}</div>
            </td>
            <td>
              {p.status === 'refund-needed' && (
                <>
                  <span class="badge off" data-testid="refund-flag">
                    {t('refundNeeded')}
                  </span>
                  <div class="hint" data-testid="refund-reason">
                    {reason(p)}
                  </div>
                  {p.handledAt ? (
                    <span class="badge ok" data-testid="payment-handled">
                      {t('handledAt', formatDateTime(lang, p.handledAt))}
                    </span>
                  ) : (
                    <button type="button" onClick={() => void markHandled(p)} data-testid="mark-handled">
                      {t('markHandled')}
                    </button>
                  )}
                </>
              )}
            </td>
          </tr>
        )}
      />
      <LoadMoreButton cursor={list.cursor} more={list.more} onError={setError} testId="more-payments" />
    </section>
  );
}
