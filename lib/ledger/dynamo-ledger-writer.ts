/**
 * The built-in ledger's write side in DynamoDB (table layout: ledger-crm.ts).
 *
 * Every write to a customer is followed by refreshing that customer's summary (profile,
 * balances per currency, item count): the summary is recomputed from the customer's rows with
 * the ledger's balance rule and stored only if its version is still the one read, so two
 * writers can never lose each other's update (the loser reads again). The rows the summary
 * feeds — the phone and customer-number index rows that carry the balances to calls, and the
 * name search rows — are written after it, each only over an older version. A writer that dies
 * between its item write and the refresh leaves a summary one write behind; writing again (a
 * retried import chunk, a retried settlement) refreshes it, and any later write to the
 * customer does too.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashPhonePassword, verifyPhonePassword } from '../auth/password-hash';
import type { Customer } from '../domain/customer';
import type { CurrencyCode } from '../domain/money';
import { canonicalPhone } from '../domain/phone';
import type { PaymentLinkClaims } from '../domain/payment-token';
import { queryAllPages } from '../aws/paged-reads';
import { forEachBounded } from './bounded-concurrency';
import { customerSearchTokens, listShardOf, summarizeBalances, tokenPartition, type StoredBalances } from './customer-summary';
import type { LedgerAdmin } from './ledger-admin';
import { PHONE_PASSWORD_SK } from './ledger-crm';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

export const SUMMARY_SK = '#SUMMARY';
export const PROFILE_SK = '#PROFILE';

export interface LedgerWriterOptions {
  /** LEDGER_CURRENCY: the currency of items that name none. */
  readonly ledgerCurrency?: CurrencyCode;
  /** Telephone passwords hashed at once (scrypt: ~0.2 s and 32 MiB each). */
  readonly passwordConcurrency?: number;
  /** Customers whose summaries are refreshed at once. */
  readonly refreshConcurrency?: number;
}

/** What the summary row holds besides its keys and version. */
interface SummaryContent extends StoredBalances {
  readonly id: string;
  readonly customerNumber?: string;
  readonly name?: string;
  readonly phones: string[];
  readonly mobile?: string;
  readonly itemCount: number;
  /** The identity calls are told (copied onto the index rows). */
  readonly customer: Customer;
  /** The index rows this summary feeds, so the next refresh can remove the ones that no longer apply. */
  readonly indexed: { readonly phones: string[]; readonly customerNumber?: string; readonly tokens: string[] };
}

const MAX_REFRESH_ATTEMPTS = 30;
const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Writes ledger records. Re-writing the same records leaves the table as it was. */
export class DynamoLedgerWriter implements LedgerAdmin {
  private readonly ledgerCurrency: CurrencyCode;
  private readonly passwordConcurrency: number;
  private readonly refreshConcurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly defaultCountryCode = '98',
    options: LedgerWriterOptions = {},
  ) {
    this.ledgerCurrency = options.ledgerCurrency ?? 'IRR';
    this.passwordConcurrency = options.passwordConcurrency ?? 4;
    this.refreshConcurrency = options.refreshConcurrency ?? 8;
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
    await this.refreshCustomers(items.map((item) => item.customerId));
  }

  /**
   * Records a paid link in the ledger: one onlinePayment item keyed by the link id (a retry
   * cannot add a second), and the items it paid marked paid. Returns false when the payment
   * was already recorded. The customer's summary is refreshed either way (a retry repairs a
   * refresh the first attempt did not finish).
   */
  async recordOnlinePayment(claims: PaymentLinkClaims, reference: string, paidAt: string): Promise<boolean> {
    const item: ItemRecord = {
      customerId: claims.customerId,
      type: 'onlinePayment',
      number: `OP-${claims.id}`,
      fields: { FinalValue: claims.amount, Reference: reference, ...(claims.items.length ? { Pays: claims.items.join(',') } : {}) },
      ...(claims.moneyAccount ? { moneyAccount: claims.moneyAccount } : {}),
      // The amount is the link's, in the minor unit of the currency the caller was told.
      currency: claims.currency.code,
      status: 'paid',
      createdAt: paidAt,
    };
    let recorded = true;
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: `CUST#${item.customerId}`, sk: `ITEM#${item.type}#${item.number}`, ...item }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      recorded = false;
    }
    for (const number of claims.items) {
      await this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: `CUST#${claims.customerId}`, sk: `ITEM#${claims.invoiceType}#${number}` },
            UpdateExpression: 'SET #status = :paid',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid' },
          }),
        )
        .catch((error: unknown) => {
          // The item was removed from the ledger since the link was made: the payment still stands.
          if (!isConditionFailure(error)) throw error;
        });
    }
    await this.refreshCustomer(claims.customerId);
    return recorded;
  }

  /** Refreshes the summaries of these customers (each once, a few at a time); their name search rows go in shared batches. */
  async refreshCustomers(ids: Iterable<string>): Promise<void> {
    const searchRows: Record<string, unknown>[] = [];
    await forEachBounded(new Set(ids), this.refreshConcurrency, async (id) => {
      searchRows.push(...(await this.refresh(id)));
    });
    await this.batchWrite(searchRows);
  }

  /**
   * Recomputes one customer's summary from its rows and stores it if nobody stored another
   * version since it was read (else reads again), then brings the index rows up to it.
   */
  async refreshCustomer(id: string): Promise<void> {
    await this.batchWrite(await this.refresh(id));
  }

  /** refreshCustomer, leaving the name search rows (bare pointers) for the caller to write in batches. */
  private async refresh(id: string): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; attempt < MAX_REFRESH_ATTEMPTS; attempt += 1) {
      // One strongly consistent read of the partition: the summary sorts before the items
      // (`#SUMMARY` < `ITEM#`), so every item written before the version read here is seen.
      const rows = await queryAllPages(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CUST#${id}` }, ConsistentRead: true });
      const profileRow = rows.find((row) => row.sk === PROFILE_SK);
      // Items of a customer with no profile are not listed (imports refuse them); a profile written later refreshes it.
      if (!profileRow) return [];
      const previous = rows.find((row) => row.sk === SUMMARY_SK);
      const items = rows.filter((row) => String(row.sk).startsWith('ITEM#')) as unknown as ItemRecord[];
      const next = this.summaryOf(profileRow as unknown as CustomerRecord, items);
      const previousVersion = typeof previous?.version === 'number' ? previous.version : undefined;
      let version = previousVersion ?? 0;
      if (!previous || contentKey(previous) !== contentKey(next as unknown as Record<string, unknown>)) {
        version += 1;
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: `CUST#${id}`, sk: SUMMARY_SK, listShard: `L${listShardOf(id)}`, ...next, version, updatedAt: new Date().toISOString() },
              ...(previous
                ? previousVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(version)' }
                  : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          // Another writer stored a summary since this one read: read again (its items included).
          await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
          continue;
        }
      }
      return this.writeIndexRows(next, version, previous as Partial<SummaryContent> | undefined);
    }
    throw new Error(`ledger summary of customer ${id}: still changing after ${MAX_REFRESH_ATTEMPTS} attempts`);
  }

  private summaryOf(profile: CustomerRecord, items: readonly ItemRecord[]): SummaryContent {
    const phones = new Set<string>();
    for (const raw of [...(profile.phones ?? []), ...(profile.mobile ? [profile.mobile] : [])]) {
      const canonical = canonicalPhone(raw, this.defaultCountryCode);
      if (canonical) phones.add(canonical);
    }
    const mobile = profile.mobile ? (canonicalPhone(profile.mobile, this.defaultCountryCode) ?? profile.mobile) : undefined;
    const customer: Customer = { id: profile.id, ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}), ...(profile.name ? { name: profile.name } : {}), ...(mobile ? { mobile } : {}) };
    return {
      id: profile.id,
      ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}),
      ...(profile.name ? { name: profile.name } : {}),
      phones: [...(profile.phones ?? [])],
      ...(profile.mobile ? { mobile: profile.mobile } : {}),
      ...summarizeBalances(items, this.ledgerCurrency),
      itemCount: items.length,
      customer,
      indexed: { phones: [...phones].sort(), ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}), tokens: customerSearchTokens(profile).sort() },
    };
  }

  /**
   * The phone and customer-number rows carry the identity and the balances to calls (one keyed
   * read per call step); each is written only over an older version, so a slow writer never
   * puts back what a newer one replaced. Name search rows point at the customer and carry its
   * words: search checks each hit against the summary, so a stale one is only skipped.
   */
  private async writeIndexRows(summary: SummaryContent, version: number, previous: Partial<SummaryContent> | undefined): Promise<Record<string, unknown>[]> {
    const ref = `CUST#${summary.id}`;
    const copy = { customer: summary.customer, nets: summary.nets, ...(summary.unreadable ? { unreadable: summary.unreadable } : {}), version };
    const newer = { ConditionExpression: 'attribute_not_exists(version) OR version <= :v', ExpressionAttributeValues: { ':v': version } };
    const put = (pk: string) => this.ignoringNewer(this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk, sk: ref, ...copy }, ...newer })));
    const remove = (pk: string) => this.ignoringNewer(this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: ref }, ...newer })));
    const before = previous?.indexed;
    const phones = summary.indexed.phones;
    const number = summary.indexed.customerNumber;
    // Each search row carries all the customer's words, so a search of several words is narrowed on these rows before any summary is read.
    const tokenRows = summary.indexed.tokens.map((token) => ({ pk: tokenPartition(token), sk: `${token}#${summary.id}`, id: summary.id, words: summary.indexed.tokens }));
    const staleTokens = (before?.tokens ?? []).filter((t) => !summary.indexed.tokens.includes(t)).map((token) => ({ pk: tokenPartition(token), sk: `${token}#${summary.id}` }));
    await Promise.all([
      ...phones.map((phone) => put(`PHONE#${phone}`)),
      ...(before?.phones ?? []).filter((p) => !phones.includes(p)).map((phone) => remove(`PHONE#${phone}`)),
      ...(number ? [put(`CUSTNO#${number}`)] : []),
      ...(before?.customerNumber && before.customerNumber !== number ? [remove(`CUSTNO#${before.customerNumber}`)] : []),
    ]);
    return [...tokenRows.map((Item) => ({ PutRequest: { Item } })), ...staleTokens.map((Key) => ({ DeleteRequest: { Key } }))];
  }

  private async ignoringNewer(write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      // A newer version is already there: it is the one to keep.
      if (!isConditionFailure(error)) throw error;
    }
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

const CONTENT_FIELDS = ['id', 'customerNumber', 'name', 'phones', 'mobile', 'nets', 'unreadable', 'itemCount', 'customer', 'indexed'] as const;

/** The summary's content in a fixed order, to tell whether a recomputed summary differs from the stored one. */
function contentKey(row: Record<string, unknown>): string {
  return JSON.stringify(CONTENT_FIELDS.map((field) => sorted(row[field])));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sorted(v)]));
  return value;
}
