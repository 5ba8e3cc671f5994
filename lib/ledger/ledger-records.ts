/** Record shapes of the built-in ledger; also the documented import format (infra/seed/demo.json). */
import { z } from 'zod';
import { normalisePhonePassword, PHONE_PASSWORD } from '../auth/password-hash';
import { INVOICE_TYPES } from '../config/module-constants';
import { CURRENCY_CODES } from '../domain/money';

const id = z.string().trim().min(1, 'required').max(100, 'too_long');
const currency = z.enum(CURRENCY_CODES, { errorMap: () => ({ message: 'currency' }) });

/** A money account keeps one currency (default: the ledger's, LEDGER_CURRENCY). */
export const moneyAccountRecord = z
  .object({ key: id, name: z.string().trim().min(1, 'required').max(200, 'too_long'), currency: currency.optional() })
  .strict();

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
    fields: z
      .record(z.union([z.string(), z.number()]))
      .default({})
      .describe(
        "Item fields. Amount fields (FinalValue, and any module's invoice value field) are JSON integers in the minor unit of the item's currency: rials, or cents (1250 = $12.50); text and fractions are refused.",
      ),
    moneyAccount: z.string().trim().max(100).optional(),
    /**
     * The currency of the item's amounts (default: its money account's, else the ledger's).
     * Amount fields (FinalValue, and any module's invoice value field) are whole minor units;
     * the import checks them (import-document.ts) and stores the resolved currency.
     */
    currency: currency.optional().describe("ISO 4217 code of the item's amounts; default: its money account's, else LEDGER_CURRENCY"),
    status: z.enum(['open', 'paid']).default('open'),
    createdAt: z.string().optional(),
  })
  .strict();

export type MoneyAccountRecord = z.output<typeof moneyAccountRecord>;
export type CustomerRecord = z.output<typeof customerRecord>;
export type ItemRecord = z.output<typeof itemRecord>;
