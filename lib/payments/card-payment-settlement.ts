/**
 * Settles a card payment taken in the call (Twilio <Pay> Result `success`): the one place that
 * records it. The built-in ledger gets one onlinePayment item per gateway confirmation code
 * (CardPaymentLedger guards that against retries, concurrent twins and replays from other
 * calls); the payments list, when one is wired, gets the same payment once (its id is derived
 * from the confirmation code). Nothing here sees a card number: only its last four digits.
 */
import type { CardPaymentToSettle, CardSettlement } from '../domain/card-payment';
import type { CardPaymentLedger } from '../ledger/ledger-admin';
import type { AppLogger } from '../observability/logger';
import type { PaymentRecords } from './payment-records';

export interface CardPaymentDeps {
  readonly ledger: CardPaymentLedger;
  /** The payments list (Payments page); absent until that store is wired. */
  readonly records?: PaymentRecords;
  readonly logger: AppLogger;
  readonly clock?: () => Date;
}

/** The payments list id of a card payment taken through Twilio <Pay>. */
export const cardPaymentRecordId = (confirmationCode: string): string => `twilio-pay:${confirmationCode}`;

export async function settleCardPayment(deps: CardPaymentDeps, payment: CardPaymentToSettle): Promise<CardSettlement> {
  const at = (deps.clock ?? (() => new Date()))().toISOString();
  const { charge } = payment;
  const recording = await deps.ledger.recordCardPayment(payment, at);
  if (recording.status === 'conflict') {
    deps.logger.warn('card payment confirmation code already recorded for another call; nothing recorded', {
      confirmationCode: payment.confirmationCode,
      moduleCode: payment.moduleCode,
    });
    return { status: 'conflict' };
  }
  if (deps.records) {
    // The ledger holds the payment now; a payments list that is down must not undo what the caller was told.
    await deps.records
      .record({
        id: cardPaymentRecordId(payment.confirmationCode),
        provider: 'twilio-pay',
        status: 'paid',
        amount: charge.amount,
        currency: charge.currency,
        customerId: payment.customerId,
        reference: payment.confirmationCode,
        callSid: payment.callSid,
        moduleCode: payment.moduleCode,
        ...(payment.maskedCard ? { maskedCard: payment.maskedCard } : {}),
        createdAt: at,
      })
      .catch((error: unknown) =>
        deps.logger.error('card payment recorded in the ledger but not in the payments list', {
          confirmationCode: payment.confirmationCode,
          error: error as Error,
        }),
      );
  }
  const settled = recording.status === 'recorded';
  deps.logger.info(settled ? 'card payment settled' : 'card payment was already settled for this call', {
    confirmationCode: payment.confirmationCode,
    amount: charge.amount,
    currency: charge.currency,
    items: charge.items.length,
    card: payment.maskedCard,
  });
  return { status: settled ? 'settled' : 'already-settled' };
}
