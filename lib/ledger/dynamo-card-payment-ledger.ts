/**
 * Card payments taken in the call, in the built-in ledger's table (layout: ledger-crm.ts), plus
 * one guard row per gateway confirmation code:
 *
 *   pk CARDPAY#<confirmation code>   sk #SETTLEMENT   which call and customer it was recorded for
 *
 * The guard is written first with a condition (only one writer can win, whichever call, customer
 * or concurrent twin asks); the onlinePayment item follows. A later delivery for the same call
 * finds the guard, writes the item if a crash left it out, and reports `already-recorded`; any
 * other call or customer presenting the same code gets `conflict` and nothing is written.
 * No transactions (dynalite has none). The customer's summary is refreshed after the item.
 */
import { conditionHeld } from '../aws/conditional-write';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CardPaymentToSettle } from '../domain/card-payment';
import type { CardPaymentLedger, CardPaymentRecording } from './ledger-admin';
import type { ItemRecord } from './ledger-records';
import { recordPaymentItem, type CustomerSummaries } from './mark-items-paid';

const GUARD_SK = '#SETTLEMENT';

/** The ledger item number of a card payment: `TP-` and the gateway's confirmation code. */
export const cardPaymentItemNumber = (confirmationCode: string): string => `TP-${confirmationCode}`;

export class DynamoCardPaymentLedger implements CardPaymentLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly summaries: CustomerSummaries,
  ) {}

  async recordCardPayment(payment: CardPaymentToSettle, paidAt: string): Promise<CardPaymentRecording> {
    const guard = {
      pk: `CARDPAY#${payment.confirmationCode}`,
      sk: GUARD_SK,
      callSid: payment.callSid,
      customerId: payment.customerId,
      amount: payment.charge.amount,
      currency: payment.charge.currency,
      at: paidAt,
    };
    if (await this.putIfAbsent(guard)) {
      await this.writeItem(payment, paidAt);
      return { status: 'recorded' };
    }
    const { Item: stored } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: guard.pk, sk: GUARD_SK }, ConsistentRead: true }));
    if (!stored || stored.callSid !== payment.callSid || stored.customerId !== payment.customerId) return { status: 'conflict' };
    // Same call: finish what the first delivery may not have (a crash between the guard and the item).
    await this.writeItem(payment, String(stored.at ?? paidAt));
    return { status: 'already-recorded' };
  }

  private async writeItem(payment: CardPaymentToSettle, paidAt: string): Promise<void> {
    const { charge } = payment;
    const item: ItemRecord = {
      customerId: payment.customerId,
      type: 'onlinePayment',
      number: cardPaymentItemNumber(payment.confirmationCode),
      fields: {
        FinalValue: charge.amount,
        Reference: payment.confirmationCode,
        Channel: 'twilio-pay',
        CallSid: payment.callSid,
        ...(payment.maskedCard ? { Card: payment.maskedCard } : {}),
        ...(charge.items.length ? { Pays: charge.items.join(',') } : {}),
      },
      ...(charge.moneyAccount ? { moneyAccount: charge.moneyAccount } : {}),
      currency: charge.currency,
      status: 'paid',
      createdAt: paidAt,
    };
    // A repeated delivery comes here again: the item stays as first written, and the customer's
    // balance summary (what calls and the panel read) is refreshed again, repairing a refresh a
    // crash left out.
    await recordPaymentItem(this.client, this.tableName, { item, invoiceType: payment.invoiceType, paidItems: charge.items }, this.summaries);
  }

  /** True when this write created the row; false when the row was already there. */
  private putIfAbsent(row: Record<string, unknown>): Promise<boolean> {
    return conditionHeld(this.client.send(new PutCommand({ TableName: this.tableName, Item: row, ConditionExpression: 'attribute_not_exists(pk)' })));
  }
}
