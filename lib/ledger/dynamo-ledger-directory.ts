/**
 * Read side of the built-in ledger for operators: customers with their balances, one
 * customer's items, and which customer ids exist (so an import can refer to them).
 *
 * No read here grows with the number of customers. The list pages through the sparse index
 * `byList` over the customers' summary rows (profile, balances, item count: kept by the
 * writer), one index partition after another; search reads the exact index rows of a phone,
 * a customer number or an id, and the name-prefix rows of up to three of its words (the one
 * whose rows fit in one page drives, else the longest), then the matching summaries by key
 * (see customer-summary.ts for the keys).
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../aws/paged-reads';
import { decodeCursor, encodeCursor, InvalidCursorError, isStartKey } from '../aws/paging-cursor';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import { canonicalPhone, toAsciiDigits } from '../domain/phone';
import { LedgerAmountError, ledgerBalances } from './ledger-balance';
import type { CustomerDetail, CustomerPage, CustomerSummary, LedgerDirectory } from './ledger-admin';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';
import { LIST_SHARDS, operatorBalances, searchTokens, tokenPartition, type StoredBalances } from './customer-summary';

/** The index over summary rows the operator list pages through (infra/tables.json). */
export const LIST_INDEX = 'byList';
const PROFILE_FIELDS = ['id', 'customerNumber', 'name', 'phones', 'mobile'] as const;
/** Search rounds per page after the first: hits that do not match every word (or a renamed customer's old rows) are skipped, a bounded number of times. */
const MAX_SEARCH_ROUNDS = 4;
/** Name search rows read per query. */
const SEARCH_PAGE = 50;

type Row = Record<string, unknown>;
type ListCursor = { s: number; k?: Record<string, string> };
type SearchCursor = { w: string; q: Record<string, string> };

export class DynamoLedgerDirectory implements LedgerDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** LEDGER_CURRENCY: the currency of accounts and items that name none. */
    private readonly ledgerCurrency: CurrencyCode = 'IRR',
  ) {}

  /** Customers with their balances, a page at a time; `search` matches a phone, a customer number or id, or the start of a word of the name. */
  async listCustomers(options: { limit: number; cursor?: string; search?: string }): Promise<CustomerPage> {
    const search = options.search?.trim();
    return search ? this.search(search, options.limit, options.cursor) : this.list(options.limit, options.cursor);
  }

  private async list(limit: number, rawCursor: string | undefined): Promise<CustomerPage> {
    const cursor = listCursor(rawCursor);
    let shard = cursor?.s ?? 0;
    let startKey: Record<string, unknown> | undefined = cursor?.k;
    const rows: Row[] = [];
    while (rows.length < limit && shard < LIST_SHARDS) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LIST_INDEX,
          KeyConditionExpression: 'listShard = :s',
          ExpressionAttributeValues: { ':s': `L${shard}` },
          Limit: limit - rows.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      rows.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) shard += 1;
    }
    const customers = rows.map((row) => this.fromSummary(row));
    if (shard >= LIST_SHARDS) return { customers };
    return { customers, nextCursor: encodeCursor(startKey ? { s: shard, k: startKey } : { s: shard }) };
  }

  private async search(text: string, limit: number, rawCursor: string | undefined): Promise<CustomerPage> {
    const cursor = searchCursor(rawCursor);
    const found: Row[] = [];
    const seen = new Set<string>();
    const add = (rows: Row[]) => {
      for (const row of rows) {
        const id = String(row.id);
        if (seen.has(id) || found.length >= limit) continue;
        seen.add(id);
        found.push(row);
      }
    };
    const words = searchTokens(text);
    const indexed = [...new Set(words.filter((w) => w.length >= 2))].sort((a, b) => b.length - a.length).slice(0, 3);
    let word = cursor?.w;
    let startKey: Record<string, unknown> | undefined = cursor?.q;
    if (!cursor) {
      // Exact matches first, on the first page only: a whole phone number, a customer number, an id.
      const [exact, ...firstPages] = await Promise.all([
        this.exactMatches(text).then((ids) => this.summaries(ids)),
        ...indexed.map((w) => this.wordPage(w, SEARCH_PAGE)),
      ]);
      add(exact ?? []);
      // The word whose rows all fit in one page is the most selective: its rows are every candidate.
      const complete = firstPages
        .map((page, i) => ({ page, word: indexed[i] as string }))
        .filter(({ page }) => !page.LastEvaluatedKey)
        .sort((a, b) => (a.page.Items?.length ?? 0) - (b.page.Items?.length ?? 0))[0];
      const driving = complete ?? { page: firstPages[0], word: indexed[0] };
      if (!driving.page || !driving.word) return { customers: found.map((row) => this.fromSummary(row)) };
      word = driving.word;
      startKey = await this.takeMatches(driving.page, words, limit, found, seen, undefined);
    }
    // Then page through the driving word's rows; each hit must still match every word.
    for (let round = 0; word && startKey && round < MAX_SEARCH_ROUNDS && found.length < limit; round += 1) {
      startKey = await this.takeMatches(await this.wordPage(word, SEARCH_PAGE, startKey), words, limit, found, seen, startKey);
    }
    const customers = found.map((row) => this.fromSummary(row));
    return word && startKey ? { customers, nextCursor: encodeCursor({ w: word, q: startKey }) } : { customers };
  }

  /** One page of the name search rows that start with `word` (one index partition, begins_with on the sort key). */
  private wordPage(word: string, limit: number, startKey?: Record<string, unknown>): Promise<{ Items?: Row[]; LastEvaluatedKey?: Record<string, unknown> }> {
    return this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :w)',
        ExpressionAttributeValues: { ':p': tokenPartition(word), ':w': word },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
  }

  /**
   * Adds the page's customers that match every word, in index order, until the page of results
   * is full; answers where the next read starts: after the last row taken when the results
   * filled up part-way through, else where DynamoDB said (so no row is skipped between pages).
   */
  private async takeMatches(
    page: { Items?: Row[]; LastEvaluatedKey?: Record<string, unknown> },
    words: readonly string[],
    limit: number,
    found: Row[],
    seen: Set<string>,
    startedAt: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown> | undefined> {
    const rows = page.Items ?? [];
    // The search rows carry the customer's words: only rows matching every word, and only as many
    // as can still be shown, have their summaries read.
    const candidates: string[] = [];
    for (const row of rows) {
      const id = String(row.id);
      if (seen.has(id) || candidates.includes(id) || (Array.isArray(row.words) && !wordsMatch(row.words as string[], words))) continue;
      if (candidates.length < limit - found.length) candidates.push(id);
    }
    const summaries = new Map((await this.summaries(candidates)).map((row) => [String(row.id), row]));
    const fetched = new Set(candidates);
    for (const [i, row] of rows.entries()) {
      const id = String(row.id);
      // A match whose summary was not read (the page filled up with candidates that turned out
      // stale): the next page starts here, so it is not skipped.
      if (!fetched.has(id) && !seen.has(id) && (!Array.isArray(row.words) || wordsMatch(row.words as string[], words))) {
        const before = rows[i - 1];
        return before ? { pk: before.pk, sk: before.sk } : startedAt;
      }
      const summary = summaries.get(id);
      if (summary && !seen.has(id) && matchesAll(summary, words)) {
        seen.add(id);
        found.push(summary);
      }
      if (found.length >= limit) return i < rows.length - 1 || page.LastEvaluatedKey ? { pk: row.pk, sk: row.sk } : undefined;
    }
    return page.LastEvaluatedKey;
  }

  /** Customer ids whose phone, customer number or id is exactly `text` (keyed reads only). */
  private async exactMatches(text: string): Promise<string[]> {
    const phone = /\d{5}/.test(toAsciiDigits(text).replace(/\D/g, '')) ? canonicalPhone(text) : undefined;
    const pointers = (pk: string) =>
      this.client
        .send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            Limit: 25,
            ProjectionExpression: 'sk',
          }),
        )
        .then((out) => (out.Items ?? []).map((row) => String(row.sk).slice('CUST#'.length)));
    const [byPhone, byNumber] = await Promise.all([phone ? pointers(`PHONE#${phone}`) : [], text.length <= 50 ? pointers(`CUSTNO#${text}`) : []]);
    return [...byPhone, ...byNumber, ...(text.length <= 100 ? [text] : [])];
  }

  /** The summary rows of these customers, in the order given (one BatchGet per 100; missing ones skipped). */
  private async summaries(ids: readonly string[]): Promise<Row[]> {
    const wanted = [...new Set(ids)];
    const byId = new Map<string, Row>();
    for (let i = 0; i < wanted.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100).map((id) => ({ pk: `CUST#${id}`, sk: '#SUMMARY' }));
      for (let tries = 0; keys && keys.length > 0 && tries < 8; tries += 1) {
        const out = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        for (const row of out.Responses?.[this.tableName] ?? []) byId.set(String(row.id), row);
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return wanted.flatMap((id): Row[] => {
      const row = byId.get(id);
      return row ? [row] : [];
    });
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
        const out = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'id' } } } }),
        );
        for (const row of out.Responses?.[this.tableName] ?? []) found.add(String(row.id));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  /** A summary row as the list shows it: the profile, the balances per currency (or why there are none), the item count. */
  private fromSummary(row: Row): CustomerSummary {
    const stored: StoredBalances = {
      nets: (row.nets as StoredBalances['nets']) ?? {},
      ...(row.unreadable ? { unreadable: row.unreadable as StoredBalances['unreadable'] } : {}),
    };
    const balances = operatorBalances(stored, this.ledgerCurrency);
    const money: Pick<CustomerSummary, 'balances' | 'owed' | 'credit' | 'currency' | 'balanceError'> =
      'balanceError' in balances
        ? { balances: [], currency: this.ledgerCurrency, balanceError: balances.balanceError }
        : {
            balances: balances.balances,
            owed: balances.balances[0]?.owed ?? 0,
            credit: balances.balances[0]?.credit ?? 0,
            currency: balances.balances[0]?.currency ?? this.ledgerCurrency,
          };
    return { ...profile(row), ...money, itemCount: typeof row.itemCount === 'number' ? row.itemCount : 0 };
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

/** Whether every query word starts a word of the customer's name, customer number or id. */
function matchesAll(row: Row, words: readonly string[]): boolean {
  return wordsMatch(
    [...searchTokens(row.name as string | undefined), ...searchTokens(row.customerNumber as string | undefined), ...searchTokens(row.id as string | undefined)],
    words,
  );
}

function wordsMatch(own: readonly string[], words: readonly string[]): boolean {
  return words.every((word) => own.some((token) => token.startsWith(word)));
}

/** A list cursor: the index partition reached and where in it; anything else is refused (400). */
function listCursor(raw: string | undefined): ListCursor | undefined {
  const value = decodeCursor<Record<string, unknown>>(raw);
  if (value === undefined) return undefined;
  const { s, k, ...rest } = value;
  const shardOk = typeof s === 'number' && Number.isInteger(s) && s >= 0 && s < LIST_SHARDS;
  if (!shardOk || Object.keys(rest).length > 0 || (k !== undefined && !isStartKey(k, ['pk', 'sk', 'listShard', 'id'])))
    throw new InvalidCursorError('the paging cursor is not valid');
  return k === undefined ? { s: s as number } : { s: s as number, k: k as Record<string, string> };
}

function searchCursor(raw: string | undefined): SearchCursor | undefined {
  const value = decodeCursor<Record<string, unknown>>(raw);
  if (value === undefined) return undefined;
  const { w, q, ...rest } = value;
  if (Object.keys(rest).length > 0 || typeof w !== 'string' || w.length < 2 || w.length > 40 || !isStartKey(q, ['pk', 'sk']))
    throw new InvalidCursorError('the paging cursor is not valid');
  return { w, q: q as Record<string, string> };
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
