/** Record shapes of the built-in ledger; also the documented import format (infra/seed/demo.json). */
import { z } from 'zod';
import { normalisePhonePassword, PHONE_PASSWORD } from '../../auth/password-hash';
import { INVOICE_TYPES, type InvoiceType } from '../../config/module-schema';

const id = z.string().trim().min(1, 'required').max(100, 'too_long');

export const moneyAccountRecord = z.object({ key: id, name: z.string().trim().min(1, 'required').max(200, 'too_long') }).strict();

export const customerRecord = z
  .object({
    id,
    customerNumber: z.string().trim().min(1).max(50).optional(),
    name: z.string().trim().max(200).optional(),
    phones: z.array(z.string().trim().min(3).max(32)).max(20).default([]),
    mobile: z.string().trim().min(3).max(32).optional(),
    /** Plaintext only in the import document: hashed before it is stored, never stored or returned in clear. */
    phonePassword: z
      .string()
      .transform((v) => normalisePhonePassword(v))
      .pipe(z.string().regex(PHONE_PASSWORD, 'A telephone password is 4 to 12 digits.'))
      .optional(),
  })
  .strict();

export const itemRecord = z
  .object({
    customerId: id,
    type: z.enum(INVOICE_TYPES),
    number: id,
    fields: z.record(z.union([z.string(), z.number()])).default({}),
    moneyAccount: z.string().trim().max(100).optional(),
    status: z.enum(['open', 'paid']).default('open'),
    createdAt: z.string().optional(),
  })
  .strict();

export type MoneyAccountRecord = z.output<typeof moneyAccountRecord>;
export type CustomerRecord = z.output<typeof customerRecord>;
export type ItemRecord = z.output<typeof itemRecord>;

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
