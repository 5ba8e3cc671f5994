/**
 * Read side of the built-in ledger for operators: customers with their balances, one
 * customer's items, and which customer ids exist (so an import can refer to them).
 */
import { BatchGetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../aws/paged-reads';
import { decodeStartKey, encodeCursor } from '../aws/paging-cursor';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import { LedgerAmountError, ledgerBalances } from './ledger-balance';
import type { CustomerDetail, CustomerPage, CustomerSummary, LedgerDirectory } from './ledger-admin';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

const PROFILE_FIELDS = ['id', 'customerNumber', 'name', 'phones', 'mobile'] as const;
const MAX_SCANS_PER_PAGE = 50;

export class DynamoLedgerDirectory implements LedgerDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** LEDGER_CURRENCY: the currency of accounts and items that name none. */
    private readonly ledgerCurrency: CurrencyCode = 'IRR',
  ) {}

  /** Customer profiles in table order, each with its balance; `search` matches id, number, name or mobile. */
  async listCustomers(options: { limit: number; cursor?: string; search?: string }): Promise<CustomerPage> {
    let startKey: Record<string, unknown> | undefined = decodeStartKey(options.cursor, ['pk', 'sk']);
    const profiles: CustomerRecord[] = [];
    const search = options.search?.trim();
    for (let scans = 0; scans < MAX_SCANS_PER_PAGE && profiles.length < options.limit; scans += 1) {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: search
            ? 'sk = :profile AND (contains(#id, :q) OR contains(customerNumber, :q) OR contains(#name, :q) OR contains(mobile, :q))'
            : 'sk = :profile',
          ExpressionAttributeValues: { ':profile': '#PROFILE', ...(search ? { ':q': search } : {}) },
          ...(search ? { ExpressionAttributeNames: { '#id': 'id', '#name': 'name' } } : {}),
          Limit: Math.max(options.limit - profiles.length, 25),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (profiles.length < options.limit) profiles.push(profile(item));
        else {
          // The page overshot: continue right after the last profile returned.
          startKey = { pk: `CUST#${profiles[profiles.length - 1]?.id}`, sk: '#PROFILE' };
          return { customers: await this.withBalances(profiles), nextCursor: encodeCursor(startKey) };
        }
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    const customers = await this.withBalances(profiles);
    return startKey ? { customers, nextCursor: encodeCursor(startKey) } : { customers };
  }

  async getCustomer(id: string): Promise<CustomerDetail | undefined> {
    const rows = await queryPartition(this.client, this.tableName, `CUST#${id}`);
    const profileRow = rows.find((row) => row.sk === '#PROFILE');
    if (!profileRow) return undefined;
    const items = rows.filter((row) => String(row.sk).startsWith('ITEM#')).map(item);
    return { ...profile(profileRow), ...this.balances(items), itemCount: items.length, items };
  }

  async moneyAccounts(): Promise<Array<MoneyAccountRecord & { currency: CurrencyCode }>> {
    const rows = await queryPartition(this.client, this.tableName, 'ACCOUNTS');
    return rows.map((row) => ({ key: String(row.key), name: String(row.name), currency: isCurrencyCode(row.currency) ? row.currency : this.ledgerCurrency }));
  }

  /** Which of `ids` have a customer profile. */
  async existingCustomerIds(ids: Iterable<string>): Promise<Set<string>> {
    const wanted = [...new Set(ids)];
    const found = new Set<string>();
    for (let i = 0; i < wanted.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100).map((id) => ({ pk: `CUST#${id}`, sk: '#PROFILE' }));
      for (let tries = 0; keys && keys.length > 0 && tries < 8; tries += 1) {
        const out = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'id' } } } }));
        for (const row of out.Responses?.[this.tableName] ?? []) found.add(String(row.id));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  private async withBalances(profiles: CustomerRecord[]): Promise<CustomerSummary[]> {
    return Promise.all(
      profiles.map(async (customer) => {
        const items = (await queryPartition(this.client, this.tableName, `CUST#${customer.id}`, 'ITEM#')).map(item);
        return { ...customer, ...this.balances(items), itemCount: items.length };
      }),
    );
  }

  /** Exact balances per currency; a customer whose stored amounts cannot be read gets the reason, never a 0. */
  private balances(items: ItemRecord[]): Pick<CustomerSummary, 'balances' | 'owed' | 'credit' | 'currency' | 'balanceError'> {
    try {
      const balances = ledgerBalances(items, this.ledgerCurrency);
      const first = balances[0] as (typeof balances)[number];
      return { balances, owed: first.owed, credit: first.credit, currency: first.currency };
    } catch (error) {
      if (!(error instanceof LedgerAmountError)) throw error;
      return { balances: [], currency: this.ledgerCurrency, balanceError: error.reason as 'unreadable-amount' | 'amount-out-of-range' };
    }
  }
}

function profile(row: Record<string, unknown>): CustomerRecord {
  const out: Record<string, unknown> = { phones: [] };
  for (const field of PROFILE_FIELDS) if (row[field] !== undefined) out[field] = row[field];
  return out as unknown as CustomerRecord;
}

function item(row: Record<string, unknown>): ItemRecord {
  const { pk: _pk, sk: _sk, ...rest } = row;
  return rest as unknown as ItemRecord;
}
