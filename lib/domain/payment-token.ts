/**
 * The product's own payment link token: `<linkId>.<expiry base36>.<signature>`.
 *
 * The signature is an HMAC-SHA256 (secret from configuration, truncated to 128 bits) over
 * every claim of the link: id, customer, amount, items, money account, language, currency,
 * expiry. The claims themselves are kept with the link's open/used state in DynamoDB rather
 * than in the URL, so the link fits a Persian SMS (UCS-2, 67 characters a segment) in two
 * segments; changing a claim in storage or any character of the token breaks the signature.
 *
 * Claims version 2 carry the ISO currency code (`currency: { code, unit? }`) and sign it.
 * Links issued before (version 1) carry `display: { unit, divisor }` (always IRR) and are
 * still verified with the version-1 layout they were signed with, so no link already sent
 * by SMS stops working; `readStoredClaims` gives them their IRR currency for display.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InvoiceType, Language } from '../config/module-schema';
import { IRR_RIAL, readModuleCurrency, type ModuleCurrency } from './money';

export interface PaymentLinkClaims {
  readonly id: string;
  readonly customerId: string;
  readonly customerName?: string;
  /** In the currency's minor unit (rials, cents). */
  readonly amount: number;
  readonly items: readonly string[];
  readonly invoiceType: InvoiceType;
  readonly moneyAccount?: string;
  readonly language: Language;
  /** What the amount counts and how the caller heard it (signed from version 2). */
  readonly currency: ModuleCurrency;
  /** Version-1 links only (issued before currency codes): the display they were signed with. */
  readonly display?: { readonly unit: 'rial' | 'toman'; readonly divisor: number };
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Claims as stored: version-1 links (with `display`, no `currency`) get the IRR currency they
 * always meant and keep `display`, so they verify against the layout they were signed with.
 */
export function readStoredClaims(stored: Record<string, unknown>): PaymentLinkClaims {
  const claims = stored as unknown as PaymentLinkClaims;
  if (claims.currency !== undefined) return claims;
  return { ...claims, currency: readModuleCurrency(claims.display) ?? IRR_RIAL };
}

/**
 * What a link pays, as a key: the account balance in one currency, or given items of one
 * type. A customer's newer link for the same purpose replaces the older ones.
 */
export function linkPurpose(claims: Pick<PaymentLinkClaims, 'items' | 'invoiceType' | 'currency'>): string {
  return claims.items.length ? `item#${claims.invoiceType}#${[...claims.items].sort().join(',')}` : `balance#${claims.currency.code}`;
}

export type TokenCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'malformed' | 'tampered' | 'expired' };

const TOKEN = /^([A-Za-z0-9_-]{16})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/;

/** A link id that is the same for every retry of one call's payment link. */
export function linkIdFor(secret: string, callSid: string): string {
  return createHmac('sha256', secret).update(`link-id\n${callSid}`).digest('base64url').slice(0, 16);
}

/** Field order is fixed so the same claims always sign the same; the first member is the layout's version. */
function canonical(c: PaymentLinkClaims): string {
  const common = [c.id, c.customerId, c.customerName ?? '', c.amount, [...c.items], c.invoiceType, c.moneyAccount ?? '', c.language];
  if (c.display) return JSON.stringify([1, ...common, c.display.unit, c.display.divisor, c.expiresAt]);
  return JSON.stringify([2, ...common, c.currency.code, c.currency.unit ?? '', c.expiresAt]);
}

function signature(secret: string, claims: PaymentLinkClaims): string {
  return createHmac('sha256', secret).update(canonical(claims)).digest('base64url').slice(0, 22);
}

export function signLinkToken(secret: string, claims: PaymentLinkClaims): string {
  return `${claims.id}.${claims.expiresAt.toString(36)}.${signature(secret, claims)}`;
}

/** The link id named by a token, or undefined when it is not even shaped like one. */
export function parseLinkToken(token: string): { readonly id: string; readonly expiresAt: number } | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  return { id: m[1] as string, expiresAt: parseInt(m[2] as string, 36) };
}

/** Checks a token against the stored claims of the link it names, at `now`. */
export function checkLinkToken(secret: string, token: string, claims: PaymentLinkClaims, now: Date): TokenCheck {
  const parsed = parseLinkToken(token);
  if (!parsed || parsed.id !== claims.id) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(signLinkToken(secret, claims));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'tampered' };
  if (now.getTime() >= claims.expiresAt * 1000) return { ok: false, reason: 'expired' };
  return { ok: true };
}
