/**
 * What a payment link's customer still owes in the built-in ledger: the account balance in
 * the link's currency (a link pays at most that), or whether the items it pays are still open.
 */
import type { PaymentLinkClaims } from '../domain/payment-token';
import { DebtUnreadableError, type DebtNow, type OutstandingDebts } from '../payments/outstanding-debts';
import type { LedgerCrm } from './ledger-crm';

export class LedgerOutstandingDebts implements OutstandingDebts {
  constructor(private readonly ledger: Pick<LedgerCrm, 'balance' | 'items'>) {}

  async debtFor(claims: PaymentLinkClaims): Promise<DebtNow> {
    if (claims.items.length > 0) {
      const items = await this.ledger.items(claims.customerId);
      // Every item the link pays must still be there and open; one paid (or removed) settles the link.
      const open = claims.items.every((number) => items.some((item) => item.type === claims.invoiceType && item.number === number && item.status !== 'paid'));
      return open ? { status: 'owed', amount: claims.amount } : { status: 'settled' };
    }
    const balance = await this.ledger.balance({ id: claims.customerId }, claims.currency.code);
    if (balance.status !== 'ok') throw new DebtUnreadableError(`the ledger balance of ${claims.customerId} could not be read: ${balance.reason}`);
    if (balance.owed <= 0) return { status: 'settled' };
    return { status: 'owed', amount: Math.min(balance.owed, claims.amount) };
  }
}
