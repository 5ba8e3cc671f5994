/** Billable items (invoices, receipts, ...), their types and the money accounts they are paid into. */
import type { InvoiceType } from '../config/module-schema';
import type { CurrencyCode } from './money';

export interface MoneyAccount {
  readonly key: string;
  readonly name: string;
  /** The currency the account keeps, when the CRM says (the built-in ledger does). */
  readonly currency?: CurrencyCode;
}

/** What each invoice type is called in English (the built-in ledger's item types, the payment page). */
export const INVOICE_TYPE_NAMES_EN: Readonly<Record<InvoiceType, string>> = {
  invoice: 'Invoice',
  proforma: 'Proforma invoice',
  receipt: 'Receipt',
  payment: 'Payment',
  salesReturn: 'Sales return',
  onlinePayment: 'Online payment',
};

export interface BillableItemType {
  readonly key: string;
  readonly name: string;
  readonly type: InvoiceType;
}

/** Find one billable item of a customer by number (the module's invoice type and fields). */
export interface ItemQuery {
  readonly type: InvoiceType;
  /** The value the caller typed. */
  readonly number: string;
  /** Field the number is searched in (default `Number`). */
  readonly searchField: string;
  /** Field holding the amount (default `FinalValue`). */
  readonly valueField: string;
  /** The module's currency: an item kept in another currency is not this module's to pay. */
  readonly currency: CurrencyCode;
}

export interface BillableItem {
  readonly type: InvoiceType;
  readonly number: string;
  /** In the query currency's minor unit (rials, cents), > 0. */
  readonly amount: number;
  readonly paid: boolean;
  readonly moneyAccount?: string;
}

/** Items are only ever searched among the identified customer's own items. */
export type ItemResult =
  | { readonly status: 'found'; readonly item: BillableItem }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };
