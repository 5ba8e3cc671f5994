/** Who a caller is, as the CRM knows them, and the answers to "who is this?". */

/** A customer as the CRM identifies them. */
export interface Customer {
  readonly id: string;
  readonly customerNumber?: string;
  readonly name?: string;
  readonly mobile?: string;
}

/** The CRM's answer to "who is this?": found, not found, or the lookup itself failed. */
export type IdentityResult =
  | { readonly status: 'found'; readonly customer: Customer }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

export type PasswordCheck =
  | { readonly status: 'match' }
  | { readonly status: 'mismatch' }
  | { readonly status: 'unsupported'; readonly source: string }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };
