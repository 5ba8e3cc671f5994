/**
 * Marks the invoice items a payment covered as paid, in the built-in ledger's table. An item
 * removed from the ledger since the payment was asked for is skipped: the payment still stands.
 * Used by both payment writers (a provider's confirmation, a card payment in the call).
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionHeld } from '../aws/conditional-write';

export async function markItemsPaid(
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
