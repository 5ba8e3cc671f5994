/** The built-in ledger's balance arithmetic, free of the import validator (zod). */
import type { InvoiceType } from '../config/module-constants';
import { CrmError } from '../crm/crm-errors';
import { addMinor, IMPORT_TEXT, isCurrencyCode, MoneyRangeError, parseJsonAmount, parseTextAmount, type AmountRead, type CurrencyCode } from '../domain/money';
import type { ItemRecord } from './ledger-records';

/**
 * How each item type moves what the customer owes (on its FinalValue): invoices and
 * payments to the customer add, receipts, sales returns and online payments subtract,
 * proformas are not posted.
 */
export const BALANCE_SIGN: Readonly<Record<InvoiceType, -1 | 0 | 1>> = {
  invoice: 1,
  payment: 1,
  receipt: -1,
  salesReturn: -1,
  onlinePayment: -1,
  proforma: 0,
};

type StoredItem = Pick<ItemRecord, 'type' | 'number' | 'fields' | 'currency'>;

/** A stored item whose amount cannot be read exactly: the balance is a failure, never a guess or a zero. */
export class LedgerAmountError extends CrmError {
  override readonly name = 'LedgerAmountError';
  constructor(item: Pick<ItemRecord, 'type' | 'number'>, field: string, problem: string, options: { cause?: unknown } = {}) {
    super(
      problem === 'too_large' ? 'amount-out-of-range' : 'unreadable-amount',
      `ledger item ${item.type} ${item.number}: ${field} is not an exact amount (${problem})`,
      options,
    );
  }
}

/** The currency an item is kept in: its own, or — for items stored before currencies — the ledger's (LEDGER_CURRENCY). */
export function itemCurrency(item: Pick<ItemRecord, 'currency'>, ledgerCurrency: CurrencyCode): CurrencyCode {
  return isCurrencyCode(item.currency) ? item.currency : ledgerCurrency;
}

/**
 * The amount in an item's field, in the minor unit of the item's currency. Imports store a
 * JSON number (whole minor units); text stored by older imports is read by the import's
 * strict rules. Anything else — missing, a fraction, words — is refused with the reason.
 */
export function itemAmount(item: Pick<ItemRecord, 'fields' | 'currency'>, field: string, ledgerCurrency: CurrencyCode): AmountRead {
  const raw = item.fields[field];
  if (typeof raw === 'string') return parseTextAmount(raw, itemCurrency(item, ledgerCurrency), IMPORT_TEXT);
  return parseJsonAmount(raw);
}

export interface CurrencyBalance {
  readonly currency: CurrencyCode;
  /** Minor units ≥ 0; at most one of owed and credit is non-zero. */
  readonly owed: number;
  readonly credit: number;
}

/**
 * Owed and credit in `currency`, from a customer's items kept in that currency, summed
 * exactly (safe integers, checked). An unreadable amount on a posted item, or a sum beyond
 * the safe range, throws LedgerAmountError rather than being counted as 0 or rounded.
 */
export function ledgerBalance(items: readonly StoredItem[], currency: CurrencyCode, ledgerCurrency: CurrencyCode): CurrencyBalance {
  if (!isCurrencyCode(currency)) throw new CrmError('unknown-currency', `no balance in unknown currency ${String(currency)}`);
  let net = 0;
  for (const item of items) {
    const sign = BALANCE_SIGN[item.type];
    if (sign === 0 || itemCurrency(item, ledgerCurrency) !== currency) continue;
    const amount = itemAmount(item, 'FinalValue', ledgerCurrency);
    if (!amount.ok) throw new LedgerAmountError(item, 'FinalValue', amount.problem);
    try {
      net = addMinor(net, sign * amount.minor);
    } catch (error) {
      if (error instanceof MoneyRangeError) throw new LedgerAmountError(item, 'FinalValue', 'too_large', { cause: error });
      throw error;
    }
  }
  return net >= 0 ? { currency, owed: net, credit: 0 } : { currency, owed: 0, credit: -net };
}

/**
 * A customer's balance in every currency they have posted items in (the ledger's own first),
 * or in the ledger's currency at zero when they have none — for operators.
 */
export function ledgerBalances(items: readonly StoredItem[], ledgerCurrency: CurrencyCode): CurrencyBalance[] {
  const currencies = new Set<CurrencyCode>();
  for (const item of items) if (BALANCE_SIGN[item.type] !== 0) currencies.add(itemCurrency(item, ledgerCurrency));
  const ordered = currencies.size === 0 || currencies.has(ledgerCurrency) ? [ledgerCurrency] : [];
  ordered.push(...[...currencies].filter((c) => c !== ledgerCurrency).sort());
  return ordered.map((currency) => ledgerBalance(items, currency, ledgerCurrency));
}
