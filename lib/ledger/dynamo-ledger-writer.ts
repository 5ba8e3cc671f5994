/** The built-in ledger's write side in DynamoDB (table layout: ledger-crm.ts). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashPhonePassword, verifyPhonePassword } from '../auth/password-hash';
import type { Customer } from '../domain/customer';
import { canonicalPhone } from '../domain/phone';
import type { LedgerAdmin, OnlinePayment } from './ledger-admin';
import { PHONE_PASSWORD_SK } from './ledger-crm';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

/** Writes ledger records. Re-writing the same records leaves the table as it was. */
export class DynamoLedgerWriter implements LedgerAdmin {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly defaultCountryCode = '98',
  ) {}

  async putMoneyAccounts(accounts: readonly MoneyAccountRecord[]): Promise<void> {
    await this.batchPut(accounts.map((a) => ({ pk: 'ACCOUNTS', sk: `ACC#${a.key}`, ...a })));
  }

  async putCustomers(customers: readonly CustomerRecord[]): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    for (const c of customers) {
      const customer: Customer = { id: c.id, ...(c.customerNumber ? { customerNumber: c.customerNumber } : {}), ...(c.name ? { name: c.name } : {}), ...(c.mobile ? { mobile: canonicalPhone(c.mobile, this.defaultCountryCode) ?? c.mobile } : {}) };
      const { phonePassword, ...profile } = c;
      rows.push({ pk: `CUST#${c.id}`, sk: '#PROFILE', ...profile });
      // Absent in the document = keep the password already stored; the same password again
      // keeps its stored hash too, so importing a document twice changes nothing.
      if (phonePassword !== undefined && !(await this.hasPhonePassword(c.id, phonePassword))) rows.push(await this.passwordRow(c.id, phonePassword));
      const phones = new Set<string>();
      for (const raw of [...c.phones, ...(c.mobile ? [c.mobile] : [])]) {
        const canonical = canonicalPhone(raw, this.defaultCountryCode);
        if (canonical) phones.add(canonical);
      }
      for (const phone of phones) rows.push({ pk: `PHONE#${phone}`, sk: `CUST#${c.id}`, customer });
      if (c.customerNumber) rows.push({ pk: `CUSTNO#${c.customerNumber}`, sk: `CUST#${c.id}`, customer });
    }
    await this.batchPut(rows);
  }

  /** Sets (or replaces) a customer's telephone password; only its scrypt hash is stored. */
  async setPhonePassword(customerId: string, password: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: await this.passwordRow(customerId, password) }));
  }

  /** Removes a customer's telephone password: password identification then always fails for them. */
  async clearPhonePassword(customerId: string): Promise<void> {
    await this.batchDelete([{ pk: `CUST#${customerId}`, sk: PHONE_PASSWORD_SK }]);
  }

  private async hasPhonePassword(customerId: string, password: string): Promise<boolean> {
    const { Items } = await this.client.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': `CUST#${customerId}`, ':sk': PHONE_PASSWORD_SK } }),
    );
    const hash = Items?.[0]?.hash;
    return typeof hash === 'string' && (await verifyPhonePassword(password, hash));
  }

  private async passwordRow(customerId: string, password: string): Promise<Record<string, unknown>> {
    return { pk: `CUST#${customerId}`, sk: PHONE_PASSWORD_SK, hash: await hashPhonePassword(password), updatedAt: new Date().toISOString() };
  }

  async putItems(items: readonly ItemRecord[]): Promise<void> {
    await this.batchPut(items.map((item) => ({ pk: `CUST#${item.customerId}`, sk: `ITEM#${item.type}#${item.number}`, ...item })));
  }

  /**
   * Records a provider payment in the ledger: one onlinePayment item keyed by the payment's
   * record id (a retry cannot add a second), and the items it paid marked paid. Returns false
   * when the payment was already recorded.
   */
  async recordOnlinePayment(payment: OnlinePayment): Promise<boolean> {
    const item: ItemRecord = {
      customerId: payment.customerId,
      type: 'onlinePayment',
      number: `OP-${payment.paymentId}`,
      fields: {
        FinalValue: payment.amount,
        Reference: payment.reference,
        ...(payment.items.length ? { Pays: payment.items.join(',') } : {}),
        ...(payment.linkId ? { Link: payment.linkId } : {}),
      },
      ...(payment.moneyAccount ? { moneyAccount: payment.moneyAccount } : {}),
      // The amount is what the provider took, in the minor unit of the currency the caller was told.
      currency: payment.currency,
      status: 'paid',
      createdAt: payment.paidAt,
    };
    let recorded = true;
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: `CUST#${item.customerId}`, sk: `ITEM#${item.type}#${item.number}`, ...item }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      recorded = false;
    }
    for (const number of payment.items) {
      await this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `CUST#${payment.customerId}`, sk: `ITEM#${payment.invoiceType}#${number}` },
            UpdateExpression: 'SET #status = :paid',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid' },
          }),
        )
        .catch((error: unknown) => {
          // The item was removed from the ledger since the link was made: the payment still stands.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    }
    return recorded;
  }

  private async batchPut(rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.batchWrite(rows.map((Item) => ({ PutRequest: { Item } })));
  }

  private async batchDelete(keys: readonly Record<string, unknown>[]): Promise<void> {
    await this.batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
      for (let tries = 0; pending && pending.length > 0; tries += 1) {
        if (tries > 8) throw new Error('ledger write: DynamoDB kept returning unprocessed items');
        const out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
        pending = out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** tries));
      }
    }
  }
}
