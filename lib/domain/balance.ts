/** A customer's account balance as the flow sees it. */

/**
 * Account balance, normalised: `owed` ≥ 0 is what the customer owes; `credit` ≥ 0 what the
 * business owes them, both safe integers in the minor unit of the currency asked for
 * (lib/domain/money.ts). At most one of the two is non-zero. A failed lookup is never a zero.
 */
export type BalanceResult =
  | { readonly status: 'ok'; readonly owed: number; readonly credit: number }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };
