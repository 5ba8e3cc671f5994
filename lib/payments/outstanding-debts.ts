/**
 * Port: what a link's customer still owes now, read again before they are sent to pay and
 * when a payment settles (adapter: lib/ledger/ledger-outstanding-debts.ts). A link pays only
 * what is still owed: a settled debt is never paid again.
 */
import type { PaymentLinkClaims } from '../domain/payment-token';

export type DebtNow =
  /** `amount`: what the link may take now, in minor units of its currency (never more than the link says). */
  | { readonly status: 'owed'; readonly amount: number }
  /** Nothing left to pay: the balance is zero or in credit, or the item is paid (or gone). */
  | { readonly status: 'settled' };

export interface OutstandingDebts {
  debtFor(claims: PaymentLinkClaims): Promise<DebtNow>;
}

/** The debt could not be read (the ledger failed): nothing is paid on a guess. */
export class DebtUnreadableError extends Error {
  override readonly name = 'DebtUnreadableError';
}
