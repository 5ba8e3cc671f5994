/**
 * The built-in ledger's write side in DynamoDB (table layout: ledger-crm.ts): money accounts,
 * customers (telephone passwords as scrypt hashes), items, online payments. Every write to a
 * customer is followed by refreshing that customer's summary (dynamo-customer-summaries.ts).
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../aws/batch-write';
import { hashPhonePassword, verifyPhonePassword } from '../auth/password-hash';
import type { CurrencyCode } from '../domain/money';
import { forEachBounded } from './bounded-concurrency';
import { DynamoCustomerSummaries, PROFILE_SK } from './dynamo-customer-summaries';
import type { LedgerAdmin, OnlinePayment } from './ledger-admin';
import { PHONE_PASSWORD_SK } from './ledger-crm';
import { recordPaymentItem } from './mark-items-paid';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

export interface LedgerWriterOptions {
  /** LEDGER_CURRENCY: the currency of items that name none. */
  readonly ledgerCurrency?: CurrencyCode;
  /** Telephone passwords hashed at once (scrypt: ~0.2 s and 32 MiB each). */
  readonly passwordConcurrency?: number;
  /** Customers whose summaries are refreshed at once. */
  readonly refreshConcurrency?: number;
}

/** Writes ledger records. Re-writing the same records leaves the table as it was. */
export class DynamoLedgerWriter implements LedgerAdmin {
  private readonly passwordConcurrency: number;
  private readonly summaries: DynamoCustomerSummaries;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    defaultCountryCode = '98',
    options: LedgerWriterOptions = {},
  ) {
    this.passwordConcurrency = options.passwordConcurrency ?? 4;
    this.summaries = new DynamoCustomerSummaries(client, tableName, defaultCountryCode, options);
  }

  async putMoneyAccounts(accounts: readonly MoneyAccountRecord[]): Promise<void> {
    await this.batchPut(accounts.map((a) => ({ pk: 'ACCOUNTS', sk: `ACC#${a.key}`, ...a })));
  }

  async putCustomers(customers: readonly CustomerRecord[]): Promise<void> {
    const rows: Record<string, unknown>[] = [];
    for (const c of customers) {
      const { phonePassword: _password, ...profile } = c;
      rows.push({ pk: `CUST#${c.id}`, sk: PROFILE_SK, ...profile });
    }
    // Passwords are hashed a few at a time: each scrypt takes ~0.2 s of one core and 32 MiB.
    await forEachBounded(
      customers.filter((c) => c.phonePassword !== undefined),
      this.passwordConcurrency,
      async (c) => {
        const password = c.phonePassword as string;
        // Absent in the document = keep the password already stored; the same password again
        // keeps its stored hash too, so importing a document twice changes nothing.
        if (!(await this.hasPhonePassword(c.id, password))) rows.push(await this.passwordRow(c.id, password));
      },
    );
    await this.batchPut(rows);
    await this.refreshCustomers(customers.map((c) => c.id));
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
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': `CUST#${customerId}`, ':sk': PHONE_PASSWORD_SK },
      }),
    );
    const hash = Items?.[0]?.hash;
    return typeof hash === 'string' && (await verifyPhonePassword(password, hash));
  }

  private async passwordRow(customerId: string, password: string): Promise<Record<string, unknown>> {
    return { pk: `CUST#${customerId}`, sk: PHONE_PASSWORD_SK, hash: await hashPhonePassword(password), updatedAt: new Date().toISOString() };
  }

  async putItems(items: readonly ItemRecord[]): Promise<void> {
    await this.batchPut(items.map((item) => ({ pk: `CUST#${item.customerId}`, sk: `ITEM#${item.type}#${item.number}`, ...item })));
    await this.refreshCustomers(items.map((item) => item.customerId));
  }

  /**
   * Records a provider payment in the ledger: one onlinePayment item keyed by the payment's
   * record id (a retry cannot add a second), and the items it paid marked paid. Returns false
   * when the payment was already recorded. The customer's summary is refreshed either way (a
   * retry repairs a refresh the first attempt did not finish).
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
    return recordPaymentItem(this.client, this.tableName, { item, invoiceType: payment.invoiceType, paidItems: payment.items }, this);
  }

  /** Refreshes the summaries of these customers (each once, a few at a time). */
  refreshCustomers(ids: Iterable<string>): Promise<void> {
    return this.summaries.refreshCustomers(ids);
  }

  /** Recomputes one customer's summary (dynamo-customer-summaries.ts). */
  refreshCustomer(id: string): Promise<void> {
    return this.summaries.refreshCustomer(id);
  }

  private async batchPut(rows: readonly Record<string, unknown>[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      rows.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  private async batchDelete(keys: readonly Record<string, unknown>[]): Promise<void> {
    await batchWriteAll(
      this.client,
      this.tableName,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }
}
