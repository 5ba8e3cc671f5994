/** Payment links: what the flow asks a CRM to create, and what became of it. */
import type { InvoiceType, Language } from '../config/module-schema';
import type { Customer } from './customer';
import type { ModuleCurrency } from './money';

export interface PaymentLinkRequest {
  readonly customer: Customer;
  /** In the currency's minor unit (rials, cents), > 0. */
  readonly amount: number;
  /** E.164 mobile the caller typed; the link goes there. */
  readonly mobile: string;
  readonly moneyAccount?: string;
  /** Item numbers the payment settles; empty = the account balance. */
  readonly items: readonly string[];
  readonly invoiceType: InvoiceType;
  readonly language: Language;
  /** Idempotency: one link per call and step. */
  readonly callSid: string;
  /** The module the caller was in: its payment provider, if it has its own, and the payment's record. */
  readonly moduleCode?: string;
  /** The module's currency: what `amount` counts, and how the caller heard it; the SMS and page show the same. */
  readonly currency: ModuleCurrency;
}

export type PaymentLinkResult =
  | {
      readonly status: 'created';
      readonly url: string;
      /** Some CRMs (Payamgostar) send the SMS themselves; then the product must not send another. */
      readonly deliveredByCrm: boolean;
      readonly reference?: string;
    }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

/** What became of the payment link the flow asked for (performed once per call). */
export type PaymentLinkOutcome =
  | { readonly status: 'sent'; readonly deliveredByCrm: boolean; readonly segments?: number }
  | { readonly status: 'limit-reached'; readonly limit: 'mobile' | 'caller' }
  | { readonly status: 'not-sent'; readonly reason: string };
