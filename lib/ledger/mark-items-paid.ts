/**
 * A payment's writes to the built-in ledger, shared by both payment writers (a provider's
 * confirmation, DynamoLedgerWriter; a card payment in the call, DynamoCardPaymentLedger, which
 * the voice function bundles: nothing here may pull in the admin's writer or password hashing).
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-write';
import type { ItemRecord } from './ledger-records';

/** Keeps a customer's balance summary current (DynamoCustomerSummaries). */
export interface CustomerSummaries {
  refreshCustomer(customerId: string): Promise<void>;
}

/**
 * Records a payment: its onlinePayment `item`, written only if absent (a retry cannot add a
 * second), the invoice items of `invoiceType` it paid marked paid, and the customer's summary
 * refreshed — on a retry too, repairing a refresh a crash left out. True when this call wrote
 * the item, false when it was already there.
 */
export async function recordPaymentItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  payment: { readonly item: ItemRecord; readonly invoiceType: string; readonly paidItems: readonly string[] },
  summaries: CustomerSummaries,
): Promise<boolean> {
  const { item } = payment;
  const recorded = await conditionHeld(
    client.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `CUST#${item.customerId}`, sk: `ITEM#${item.type}#${item.number}`, ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  await markItemsPaid(client, tableName, item.customerId, payment.invoiceType, payment.paidItems);
  await summaries.refreshCustomer(item.customerId);
  return recorded;
}

/**
 * Marks the invoice items a payment covered as paid. An item removed from the ledger since the
 * payment was asked for is skipped: the payment still stands.
 */
async function markItemsPaid(
  client: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  invoiceType: string,
  numbers: readonly string[],
): Promise<void> {
  for (const number of numbers) {
    await conditionHeld(
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `CUST#${customerId}`, sk: `ITEM#${invoiceType}#${number}` },
          UpdateExpression: 'SET #status = :paid',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':paid': 'paid' },
        }),
      ),
    );
  }
}
