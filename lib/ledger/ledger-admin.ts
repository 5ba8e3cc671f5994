/**
 * Ports of the built-in ledger beyond the Crm port: what the admin API and the payment page
 * write (LedgerAdmin) and what operators read (LedgerDirectory). Adapters:
 * dynamo-ledger-writer.ts and dynamo-ledger-directory.ts.
 */
import type { CardPaymentToSettle } from '../domain/card-payment';
import type { InvoiceType } from '../config/module-constants';
import type { CurrencyCode } from '../domain/money';
import type { CurrencyBalance } from './ledger-balance';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

/**
 * Writes ledger records, and keeps each written customer's summary (balances per currency,
 * item count) current before answering. Re-writing the same records leaves the ledger as it was.
 */
export interface LedgerAdmin {
  putMoneyAccounts(accounts: readonly MoneyAccountRecord[]): Promise<void>;
  /** Profiles and their phone and customer-number index rows; a plaintext phonePassword is hashed first. */
  putCustomers(customers: readonly CustomerRecord[]): Promise<void>;
  putItems(items: readonly ItemRecord[]): Promise<void>;
  /** Sets (or replaces) a customer's telephone password; only its scrypt hash is stored. */
  setPhonePassword(customerId: string, password: string): Promise<void>;
  /** Removes a customer's telephone password: password identification then always fails for them. */
  clearPhonePassword(customerId: string): Promise<void>;
  /**
   * Records a provider payment that settles a debt: one onlinePayment item keyed by the
   * payment's record id (`OP-<paymentId>`: a retry, a duplicate notification or a second
   * settlement of the same payment cannot add a second), and the items it paid marked paid.
   * False when the payment was already recorded.
   */
  recordOnlinePayment(payment: OnlinePayment): Promise<boolean>;
}

/** A payment taken by a provider, as the ledger records it. */
export interface OnlinePayment {
  /** The payment record's id (`stripe:cs_…`, `zarinpal:<authority>`, `sandbox:<link id>`, `twilio-pay:<code>`). */
  readonly paymentId: string;
  readonly customerId: string;
  /** Minor units of `currency`: what was taken. */
  readonly amount: number;
  readonly currency: CurrencyCode;
  /** The provider's reference. */
  readonly reference: string;
  readonly paidAt: string;
  /** Item numbers of `invoiceType` it pays (marked paid); empty = the account balance. */
  readonly items: readonly string[];
  readonly invoiceType: InvoiceType;
  readonly moneyAccount?: string;
  readonly linkId?: string;
}

/** What recording a card payment in the built-in ledger came to (see CardPaymentLedger). */
export type CardPaymentRecording =
  /** Recorded now. */
  | { readonly status: 'recorded' }
  /** Recorded before for this same call and customer (a retried or concurrent delivery); the item is there. */
  | { readonly status: 'already-recorded' }
  /** The confirmation code was recorded for another call or customer: nothing was written. */
  | { readonly status: 'conflict' };

/**
 * Records card payments taken in the call (Twilio <Pay>) in the built-in ledger, at most once per
 * gateway confirmation code whoever asks, however often. Kept apart from LedgerAdmin so the voice
 * function carries this one write and not the admin's. Adapter: dynamo-card-payment-ledger.ts.
 */
export interface CardPaymentLedger {
  /** One onlinePayment item `TP-<confirmation code>` on the customer, with the masked card; the items it pays marked paid. */
  recordCardPayment(payment: CardPaymentToSettle, paidAt: string): Promise<CardPaymentRecording>;
}

export interface CustomerSummary extends CustomerRecord {
  /**
   * What the customer owes or is owed, in whole minor units, per currency they have posted
   * items in (the ledger's currency first; just that one, at zero, when they have none).
   * Empty when an item's amount cannot be read exactly (see `balanceError`).
   */
  readonly balances: CurrencyBalance[];
  /** The first of `balances` (what older clients read): minor units of `currency`; absent with `balanceError`, never a 0 standing in for it. */
  readonly owed?: number;
  readonly credit?: number;
  readonly currency: CurrencyCode;
  /** Why no balance could be computed: a stored amount that is not exact, or a sum beyond the safe range. */
  readonly balanceError?: 'unreadable-amount' | 'amount-out-of-range';
  readonly itemCount: number;
}

export interface CustomerDetail extends CustomerSummary {
  readonly items: ItemRecord[];
}

export interface CustomerPage {
  readonly customers: CustomerSummary[];
  readonly nextCursor?: string;
}

/** Read side for operators: customers with their balances, one customer's items, which ids exist. */
export interface LedgerDirectory {
  /** Customer profiles, each with its balance; `search` matches id, number, name or mobile. */
  listCustomers(options: { limit: number; cursor?: string; search?: string }): Promise<CustomerPage>;
  getCustomer(id: string): Promise<CustomerDetail | undefined>;
  /** Every money account, each with its currency (the ledger's when it names none). */
  moneyAccounts(): Promise<Array<MoneyAccountRecord & { readonly currency: CurrencyCode }>>;
  /** Which of `ids` have a customer profile (so an import can refer to them). */
  existingCustomerIds(ids: Iterable<string>): Promise<Set<string>>;
}
