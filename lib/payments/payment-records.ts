/**
 * Port: the payments list (every payment taken: payment links, card payments in the call),
 * for the Payments page. Only the interface lives here: the store is built with the Payments
 * page; settlements take it as an optional dependency and record into it when it is given.
 */
import type { CurrencyCode } from '../domain/money';

export interface PaymentRecord { readonly id: string; readonly provider: 'sandbox' | 'stripe' | 'zarinpal' | 'twilio-pay'; readonly status: 'paid' | 'refund-needed' | 'failed'; readonly amount: number; readonly currency: CurrencyCode; readonly customerId: string; readonly reference: string; readonly linkId?: string; readonly callSid?: string; readonly moduleCode?: string; readonly maskedCard?: string; readonly refundReason?: string; readonly createdAt: string; readonly handledAt?: string }
export interface PaymentRecords { record(payment: PaymentRecord): Promise<boolean>; list(query: { fromDay: string; toDay: string; status?: PaymentRecord['status']; limit: number; cursor?: string }): Promise<{ payments: PaymentRecord[]; nextCursor?: string }>; markHandled(id: string, at: string): Promise<boolean> }
