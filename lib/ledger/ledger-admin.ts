/**
 * Ports of the built-in ledger beyond the Crm port: what the admin API and the payment page
 * write (LedgerAdmin) and what operators read (LedgerDirectory). Adapters:
 * dynamo-ledger-writer.ts and dynamo-ledger-directory.ts.
 */
import type { PaymentLinkClaims } from '../domain/payment-token';
import type { CustomerRecord, ItemRecord, MoneyAccountRecord } from './ledger-records';

/** Writes ledger records. Re-writing the same records leaves the ledger as it was. */
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
  readonly owed: number;
  readonly credit: number;
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
  moneyAccounts(): Promise<MoneyAccountRecord[]>;
  /** Which of `ids` have a customer profile (so an import can refer to them). */
  existingCustomerIds(ids: Iterable<string>): Promise<Set<string>>;
}
