/**
 * Port: the CRM behind a module (built-in ledger, Payamgostar, AloVoIP-compatible HTTP).
 * Adapters: lib/ledger/ledger-crm.ts, lib/crm/payamgostar/, lib/crm/alovoip/.
 */
import type { BalanceResult } from '../domain/balance';
import type { BillableItemType, ItemQuery, ItemResult, MoneyAccount } from '../domain/billable-item';
import type { Customer, IdentityResult, PasswordCheck } from '../domain/customer';
import type { PaymentLinkRequest, PaymentLinkResult } from '../domain/payment-link';
import type { CurrencyCode } from '../domain/money';

export interface Crm {
  /** Name of the lookup source, for logs and the call log. */
  readonly source: string;
  identifyByPhone(phone: string): Promise<IdentityResult>;
  identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult>;
  /**
   * What the customer owes (or is owed) in `currency`, in its minor unit. The built-in ledger
   * counts the customer's items in that currency; a remote CRM keeps one currency (its lookup
   * source's) and answers `failed` (currency-mismatch) for any other.
   */
  balance(customer: Customer, currency: CurrencyCode): Promise<BalanceResult>;
  findItem(customer: Customer, query: ItemQuery): Promise<ItemResult>;
  createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult>;
  moneyAccounts(): Promise<MoneyAccount[]>;
  itemTypes(): Promise<BillableItemType[]>;
  /**
   * Checks a customer's telephone password (customer club, identification by customer number
   * and password). Optional: a CRM without it answers every check as `unsupported`.
   * Implementations compare in constant time and do the same work when no password is set.
   */
  verifyPhonePassword?(customer: Customer, password: string): Promise<PasswordCheck>;
  /**
   * Optional fast path: the caller's identity and their balance in `currency` in one request
   * (the built-in ledger keeps both on the phone index row). `balance` is absent when the CRM
   * could not answer it in the same request; a CRM without the fast path answers `unsupported`,
   * and callers then ask identifyByPhone and balance as usual.
   */
  identifyWithBalance?(phone: string, currency: CurrencyCode): Promise<IdentityWithBalance>;
}

/** Who is calling and, when the same request could tell, what they owe. */
export type IdentityWithBalance =
  | { readonly status: 'found'; readonly customer: Customer; readonly balance?: BalanceResult }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string }
  | { readonly status: 'unsupported'; readonly source: string };

/** Lookup sources by name: the built-in ledger, stored Payamgostar and AloVoIP-compatible HTTP CRMs. */
export interface CrmResolver {
  /**
   * The CRM of the lookup source with this name. A name that is no source fails with
   * UnknownLookupSourceError (reason `unknown-source`): thrown here when it is known at once,
   * or, for stored sources read when used, as each operation's failure.
   */
  forSource(name: string): Crm;
}

/** What a connection test found: the CRM answered a harmless lookup, or why it did not. */
export type ConnectionTest =
  | { readonly ok: true; readonly moneyAccounts: number; readonly elapsedMs: number }
  | { readonly ok: false; readonly reason: string; readonly elapsedMs: number };
