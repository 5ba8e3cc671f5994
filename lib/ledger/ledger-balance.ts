/** The built-in ledger's balance arithmetic, free of the import validator (zod). */
import type { InvoiceType } from '../config/module-constants';
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

/** Amount of an item read from a field (default FinalValue); undefined when missing or not numeric. */
export function itemAmount(item: Pick<ItemRecord, 'fields'>, field = 'FinalValue'): number | undefined {
  const raw = item.fields[field];
  if (raw === undefined) return undefined;
  const n = typeof raw === 'number' ? raw : Number(String(raw).replace(/,/g, '').trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Owed ≥ 0 and credit ≥ 0, from a customer's items. */
export function ledgerBalance(items: readonly Pick<ItemRecord, 'type' | 'fields'>[]): { owed: number; credit: number } {
  let net = 0;
  for (const item of items) net += BALANCE_SIGN[item.type] * (itemAmount(item) ?? 0);
  // Sums of decimal amounts: round to the smallest unit a ledger keeps (1/100).
  net = Math.round(net * 100) / 100;
  return net >= 0 ? { owed: net, credit: 0 } : { owed: 0, credit: -net };
}
