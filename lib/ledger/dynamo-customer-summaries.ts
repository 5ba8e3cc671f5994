/**
 * Each customer's summary in the built-in ledger (table layout: ledger-crm.ts): profile,
 * balances per currency and item count, recomputed from the customer's rows with the ledger's
 * balance rule and stored only if its version is still the one read, so two writers can never
 * lose each other's update (the loser reads again). The rows the summary feeds — the phone and
 * customer-number index rows that carry the balances to calls, and the name search rows — are
 * written after it, each only over an older version. A writer that dies between its item write
 * and the refresh leaves a summary one write behind; writing again (a retried import chunk, a
 * retried settlement) refreshes it, and any later write to the customer does too.
 *
 * Used by every writer of the ledger: imports and the admin (DynamoLedgerWriter), the payment
 * page's settlements, and card payments in the call (the voice function bundles only this).
 */
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../aws/batch-write';
import { conditionHeld } from '../aws/conditional-write';
import { queryAllPages } from '../aws/paged-reads';
import type { Customer } from '../domain/customer';
import type { CurrencyCode } from '../domain/money';
import { canonicalPhone } from '../domain/phone';
import { forEachBounded } from './bounded-concurrency';
import { customerSearchTokens, listShardOf, summarizeBalances, tokenPartition, type StoredBalances } from './customer-summary';
import type { CustomerRecord, ItemRecord } from './ledger-records';

export const SUMMARY_SK = '#SUMMARY';
export const PROFILE_SK = '#PROFILE';

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

export interface CustomerSummaryOptions {
  /** LEDGER_CURRENCY: the currency of items that name none. */
  readonly ledgerCurrency?: CurrencyCode;
  /** Customers whose summaries are refreshed at once. */
  readonly refreshConcurrency?: number;
}

export class DynamoCustomerSummaries {
  private readonly ledgerCurrency: CurrencyCode;
  private readonly refreshConcurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly defaultCountryCode = '98',
    options: CustomerSummaryOptions = {},
  ) {
    this.ledgerCurrency = options.ledgerCurrency ?? 'IRR';
    this.refreshConcurrency = options.refreshConcurrency ?? 8;
  }

  /** Refreshes the summaries of these customers (each once, a few at a time); their name search rows go in shared batches. */
  async refreshCustomers(ids: Iterable<string>): Promise<void> {
    const searchRows: Record<string, unknown>[] = [];
    await forEachBounded(new Set(ids), this.refreshConcurrency, async (id) => {
      searchRows.push(...(await this.refresh(id)));
    });
    await batchWriteAll(this.client, this.tableName, searchRows);
  }

  /**
   * Recomputes one customer's summary from its rows and stores it if nobody stored another
   * version since it was read (else reads again), then brings the index rows up to it.
   */
  async refreshCustomer(id: string): Promise<void> {
    await batchWriteAll(this.client, this.tableName, await this.refresh(id));
  }

  /** refreshCustomer, leaving the name search rows (bare pointers) for the caller to write in batches. */
  private async refresh(id: string): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; attempt < MAX_REFRESH_ATTEMPTS; attempt += 1) {
      // One strongly consistent read of the partition: the summary sorts before the items
      // (`#SUMMARY` < `ITEM#`), so every item written before the version read here is seen.
      const rows = await queryAllPages(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUST#${id}` },
        ConsistentRead: true,
      });
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
        const stored = await conditionHeld(
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: `CUST#${id}`, sk: SUMMARY_SK, listShard: `L${listShardOf(id)}`, ...next, version, updatedAt: new Date().toISOString() },
              ...(previous
                ? previousVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(version)' }
                  : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          ),
        );
        if (!stored) {
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
    const customer: Customer = {
      id: profile.id,
      ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}),
      ...(profile.name ? { name: profile.name } : {}),
      ...(mobile ? { mobile } : {}),
    };
    return {
      id: profile.id,
      ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}),
      ...(profile.name ? { name: profile.name } : {}),
      phones: [...(profile.phones ?? [])],
      ...(profile.mobile ? { mobile: profile.mobile } : {}),
      ...summarizeBalances(items, this.ledgerCurrency),
      itemCount: items.length,
      customer,
      indexed: {
        phones: [...phones].sort(),
        ...(profile.customerNumber ? { customerNumber: profile.customerNumber } : {}),
        tokens: customerSearchTokens(profile).sort(),
      },
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
    // A write whose condition fails found a newer version there: it is the one to keep.
    const put = (pk: string) => conditionHeld(this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk, sk: ref, ...copy }, ...newer })));
    const remove = (pk: string) => conditionHeld(this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: ref }, ...newer })));
    const before = previous?.indexed;
    const phones = summary.indexed.phones;
    const number = summary.indexed.customerNumber;
    // Each search row carries all the customer's words, so a search of several words is narrowed on these rows before any summary is read.
    const tokenRows = summary.indexed.tokens.map((token) => ({
      pk: tokenPartition(token),
      sk: `${token}#${summary.id}`,
      id: summary.id,
      words: summary.indexed.tokens,
    }));
    const staleTokens = (before?.tokens ?? [])
      .filter((t) => !summary.indexed.tokens.includes(t))
      .map((token) => ({ pk: tokenPartition(token), sk: `${token}#${summary.id}` }));
    await Promise.all([
      ...phones.map((phone) => put(`PHONE#${phone}`)),
      ...(before?.phones ?? []).filter((p) => !phones.includes(p)).map((phone) => remove(`PHONE#${phone}`)),
      ...(number ? [put(`CUSTNO#${number}`)] : []),
      ...(before?.customerNumber && before.customerNumber !== number ? [remove(`CUSTNO#${before.customerNumber}`)] : []),
    ]);
    return [...tokenRows.map((Item) => ({ PutRequest: { Item } })), ...staleTokens.map((Key) => ({ DeleteRequest: { Key } }))];
  }
}

const CONTENT_FIELDS = ['id', 'customerNumber', 'name', 'phones', 'mobile', 'nets', 'unreadable', 'itemCount', 'customer', 'indexed'] as const;

/** The summary's content in a fixed order, to tell whether a recomputed summary differs from the stored one. */
function contentKey(row: Record<string, unknown>): string {
  return JSON.stringify(CONTENT_FIELDS.map((field) => sorted(row[field])));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}
