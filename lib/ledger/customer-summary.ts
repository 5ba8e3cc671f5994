/**
 * A customer's summary: what the operator list shows and what a call hears, kept beside the
 * customer's items so neither has to read them. It is derived from the items by the ledger's
 * one balance rule (ledgerBalance) and nothing else, so it can always be recomputed; the
 * writer (dynamo-ledger-writer.ts) recomputes it after every write to the customer and stores
 * it conditionally on its version. Pure functions: no I/O.
 */
import { CrmError } from '../crm/crm-errors';
import { isCurrencyCode, type CurrencyCode } from '../domain/money';
import { toAsciiDigits } from '../domain/phone';
import { shardOf } from '../aws/key-shards';
import { BALANCE_SIGN, itemCurrency, LedgerAmountError, ledgerBalance, type CurrencyBalance } from './ledger-balance';
import type { ItemRecord } from './ledger-records';

export type BalanceProblem = 'unreadable-amount' | 'amount-out-of-range';

/**
 * Balances as stored on the summary and copied onto the phone index rows: the net (owed minus
 * credit, minor units) per currency the customer has posted items in, and the currencies whose
 * items cannot be summed exactly (those answer a failure, never a number).
 */
export interface StoredBalances {
  readonly nets: Readonly<Partial<Record<CurrencyCode, number>>>;
  readonly unreadable?: Readonly<Partial<Record<CurrencyCode, BalanceProblem>>>;
}

type SummedItem = Pick<ItemRecord, 'type' | 'number' | 'fields' | 'currency'>;

/** Every currency's balance of these items, by ledgerBalance (the single rule). */
export function summarizeBalances(items: readonly SummedItem[], ledgerCurrency: CurrencyCode): StoredBalances {
  const currencies = new Set<CurrencyCode>();
  for (const item of items) if (BALANCE_SIGN[item.type] !== 0) currencies.add(itemCurrency(item, ledgerCurrency));
  const nets: Partial<Record<CurrencyCode, number>> = {};
  const unreadable: Partial<Record<CurrencyCode, BalanceProblem>> = {};
  for (const currency of [...currencies].sort()) {
    try {
      const { owed, credit } = ledgerBalance(items, currency, ledgerCurrency);
      nets[currency] = owed > 0 ? owed : -credit;
    } catch (error) {
      if (!(error instanceof LedgerAmountError)) throw error;
      unreadable[currency] = error.reason as BalanceProblem;
    }
  }
  return Object.keys(unreadable).length > 0 ? { nets, unreadable } : { nets };
}

/** The balance in one currency, as ledgerBalance would answer it; a currency with no items is 0. */
export function storedBalance(stored: StoredBalances, currency: CurrencyCode): CurrencyBalance {
  if (!isCurrencyCode(currency)) throw new CrmError('unknown-currency', `no balance in unknown currency ${String(currency)}`);
  const problem = stored.unreadable?.[currency];
  if (problem) throw new CrmError(problem, `the ledger's ${currency} items of this customer cannot be summed exactly (${problem})`);
  const net = stored.nets[currency] ?? 0;
  return net >= 0 ? { currency, owed: net, credit: 0 } : { currency, owed: 0, credit: -net };
}

/**
 * What operators see, as ledgerBalances would answer it: every currency with posted items (the
 * ledger's first, just that one at zero when there are none), or the first problem in that order.
 */
export function operatorBalances(stored: StoredBalances, ledgerCurrency: CurrencyCode): { balances: CurrencyBalance[] } | { balanceError: BalanceProblem } {
  const currencies = new Set<CurrencyCode>([...(Object.keys(stored.nets) as CurrencyCode[]), ...(Object.keys(stored.unreadable ?? {}) as CurrencyCode[])]);
  const ordered = currencies.size === 0 || currencies.has(ledgerCurrency) ? [ledgerCurrency] : [];
  ordered.push(...[...currencies].filter((c) => c !== ledgerCurrency).sort());
  for (const currency of ordered) {
    const problem = stored.unreadable?.[currency];
    if (problem) return { balanceError: problem };
  }
  return { balances: ordered.map((currency) => storedBalance(stored, currency)) };
}

// ------------------------------------------------------------------ listing and search keys

/**
 * The operator list reads customers through a sparse index over summary rows, spread over
 * LIST_SHARDS partitions by a hash of the id, so no one index partition takes every write of a
 * large import. A page reads the shards in order, so its reads depend on the page size, never
 * on the number of customers.
 */
export const LIST_SHARDS = 8;

export function listShardOf(id: string): number {
  return shardOf(id, LIST_SHARDS);
}

/**
 * Text as search compares it: Persian/Arabic digits as ASCII, the Arabic forms of yeh and kaf
 * as the Persian ones, no diacritics or tatweel, lower case, compatibility forms folded.
 */
export function normaliseSearchText(text: string): string {
  return toAsciiDigits(text.normalize('NFKC'))
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/\u0629/g, '\u0647')
    .replace(/[\u0623\u0625\u0622\u0671]/g, '\u0627')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .toLowerCase();
}

/** Words of a text for the search index: split at spaces, zero-width non-joiners and punctuation. */
export function searchTokens(text: string | undefined): string[] {
  if (!text) return [];
  const words = normaliseSearchText(text)
    .split(/[\s\u200C\u200D\p{P}\p{S}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, 40));
  return [...new Set(words)];
}

/** Every token a customer is found by: the words of the name, the customer number, the id. */
export function customerSearchTokens(customer: { id: string; name?: string | undefined; customerNumber?: string | undefined }): string[] {
  return [...new Set([...searchTokens(customer.name), ...searchTokens(customer.customerNumber), ...searchTokens(customer.id)])];
}

/**
 * The search index partition of a token: its first two characters, so a query of two or more
 * characters reads one partition (begins_with on the sort key) and the index spreads over
 * every two-letter start rather than sitting in one key.
 */
export function tokenPartition(token: string): string {
  return `NAME#${[...token].slice(0, 2).join('')}`;
}
