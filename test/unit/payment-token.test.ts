import { checkLinkToken, linkIdFor, parseLinkToken, readStoredClaims, signLinkToken, type PaymentLinkClaims } from '../../lib/domain/payment-token';

const SECRET = 'unit-secret';
const claims: PaymentLinkClaims = {
  id: linkIdFor(SECRET, 'CA0001'),
  customerId: 'c-1001',
  amount: 750_000,
  items: ['INV-1002'],
  invoiceType: 'invoice',
  moneyAccount: 'acc-mellat',
  language: 'fa',
  currency: { code: 'IRR', unit: 'toman' },
  expiresAt: Date.UTC(2026, 0, 2) / 1000,
};
const before = new Date(Date.UTC(2026, 0, 1));

describe('payment link tokens', () => {
  it('are short enough for an SMS and accepted for the claims they were signed for', () => {
    const token = signLinkToken(SECRET, claims);
    expect(token.length).toBeLessThanOrEqual(50);
    expect(parseLinkToken(token)).toEqual({ id: claims.id, expiresAt: claims.expiresAt });
    expect(checkLinkToken(SECRET, token, claims, before)).toEqual({ ok: true });
  });

  it('give the same link id for every retry of one call and different ids for different calls', () => {
    expect(linkIdFor(SECRET, 'CA0001')).toBe(claims.id);
    expect(linkIdFor(SECRET, 'CA0002')).not.toBe(claims.id);
  });

  it.each([
    ['amount', { ...claims, amount: 1 }],
    ['customer', { ...claims, customerId: 'c-2001' }],
    ['items', { ...claims, items: ['INV-1001'] }],
    ['money account', { ...claims, moneyAccount: 'acc-cash' }],
    ['language', { ...claims, language: 'en' as const }],
    ['currency code', { ...claims, currency: { code: 'USD' as const } }],
    ['announced unit', { ...claims, currency: { code: 'IRR' as const, unit: 'rial' as const } }],
  ])('are refused when the stored %s differs from what was signed', (_what, changed) => {
    expect(checkLinkToken(SECRET, signLinkToken(SECRET, claims), changed, before)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('are refused when one character of the signature, or the secret, is different', () => {
    const token = signLinkToken(SECRET, claims);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(checkLinkToken(SECRET, flipped, claims, before)).toEqual({ ok: false, reason: 'tampered' });
    expect(checkLinkToken('other-secret', token, claims, before)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('are refused once expired, and when the expiry in the URL was changed', () => {
    const token = signLinkToken(SECRET, claims);
    expect(checkLinkToken(SECRET, token, claims, new Date(claims.expiresAt * 1000))).toEqual({ ok: false, reason: 'expired' });
    const [id, , sig] = token.split('.');
    const extended = `${id}.${(claims.expiresAt + 86_400).toString(36)}.${sig}`;
    expect(checkLinkToken(SECRET, extended, claims, before)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('are refused when malformed', () => {
    expect(parseLinkToken('not-a-token')).toBeUndefined();
    expect(checkLinkToken(SECRET, 'x.y.z', claims, before)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('payment links issued before currency codes (claims version 1)', () => {
  // Stored as the previous release wrote them: `display` instead of `currency`.
  const v1 = { ...claims, currency: undefined, display: { unit: 'toman', divisor: 10 } } as unknown as Record<string, unknown>;
  // The token the previous release signed for exactly these claims (its code, run once): links already sent by SMS.
  const issuedBefore = '5ElOte1XjGfRSfIp.t87mo0.14sh0Z3H3JZ4fuCKXVadcs';

  it('still verify, and read as IRR in the toman they were shown in', () => {
    const stored = readStoredClaims(v1);
    expect(stored.currency).toEqual({ code: 'IRR', unit: 'toman' });
    expect(checkLinkToken(SECRET, issuedBefore, stored, before)).toEqual({ ok: true });
    expect(signLinkToken(SECRET, stored)).toBe(issuedBefore);
  });

  it('are refused when a version-1 claim was changed in storage', () => {
    expect(checkLinkToken(SECRET, issuedBefore, readStoredClaims({ ...v1, amount: 1 }), before)).toEqual({ ok: false, reason: 'tampered' });
    expect(checkLinkToken(SECRET, issuedBefore, readStoredClaims({ ...v1, display: { unit: 'rial', divisor: 1 } }), before)).toEqual({
      ok: false,
      reason: 'tampered',
    });
  });

  it('are not the same signature as the version-2 claims with the same values', () => {
    expect(signLinkToken(SECRET, claims)).not.toBe(issuedBefore);
  });
});
