/**
 * Ports of the built-in ledger beyond the Crm port: what the admin API and the payment page
 * write (LedgerAdmin) and what operators read (LedgerDirectory). Adapters:
 * dynamo-ledger-writer.ts and dynamo-ledger-directory.ts.
 */
import type { PaymentLinkClaims } from '../domain/payment-token';
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
   * Records a paid link: one onlinePayment item keyed by the link id (a retry cannot add a
   * second), and the items it paid marked paid. False when the payment was already recorded.
   */
  recordOnlinePayment(claims: PaymentLinkClaims, reference: string, paidAt: string): Promise<boolean>;
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
