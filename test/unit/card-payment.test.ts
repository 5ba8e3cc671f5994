/** What this product keeps of a <Pay> report: the Result, the confirmation code, the last four digits, nothing else. */
import { maskCard, readPayReport, reportMatchesCharge, isInputTimeout, type CardCharge } from '../../lib/domain/card-payment';

const CHARGE: CardCharge = { amount: 4820, currency: 'USD', items: [] };

describe('the card as this product keeps it', () => {
  it.each([
    ['Twilio’s masked form', 'xxxx-xxxxxx-x4001', '****4001'],
    ['a full number, were one ever sent', '4242424242424242', '****4242'],
    ['a full number with spaces', '4000 0566 5566 5556', '****5556'],
  ])('keeps only the last four digits of %s', (_what, raw, masked) => {
    expect(maskCard(raw)).toBe(masked);
  });

  it('keeps nothing of fewer than four digits, or of nothing', () => {
    expect(maskCard('xxxx-12')).toBeUndefined();
    expect(maskCard(undefined)).toBeUndefined();
  });
});

describe('reading the <Pay> action', () => {
  it('reads the Result, the confirmation code, the masked card, the errors; never the security code, expiry or token', () => {
    const report = readPayReport({
      Result: 'success',
      PaymentConfirmationCode: 'ch_3PaidByCard',
      PaymentCardNumber: '4242424242424242',
      PaymentCardType: 'visa',
      SecurityCode: '987',
      ExpirationDate: '1230',
      PaymentToken: 'tok_secret',
      PaymentCardPostalCode: '94107',
    });
    expect(report).toEqual({ result: 'success', confirmationCode: 'ch_3PaidByCard', maskedCard: '****4242', cardType: 'visa' });
    expect(JSON.stringify(report)).not.toMatch(/987|1230|tok_secret|94107|424242424242/);
  });

  it('reads an undocumented or missing Result as unknown, and drops values that do not look like Twilio’s', () => {
    expect(readPayReport({ Result: 'paid' }).result).toBe('unknown');
    expect(readPayReport({}).result).toBe('unknown');
    expect(readPayReport({ Result: 'success', PaymentConfirmationCode: 'ch 1<script>', PayErrorCode: 'x1' })).toEqual({ result: 'success' });
  });

  it('reads the details of a failure', () => {
    expect(
      readPayReport({ Result: 'payment-connector-error', PaymentError: 'card is declined', ConnectorError: 'card_declined', PayErrorCode: '64010' }),
    ).toEqual({
      result: 'payment-connector-error',
      error: 'card is declined',
      connectorError: 'card_declined',
      errorCode: '64010',
    });
    expect(isInputTimeout(readPayReport({ Result: 'too-many-failed-attempts', PaymentError: 'input-timeout' }))).toBe(true);
    expect(isInputTimeout(readPayReport({ Result: 'too-many-failed-attempts', PaymentError: 'invalid-card-number' }))).toBe(false);
  });
});

describe('a report checked against the session’s charge', () => {
  it('agrees when it names no amount, or the same amount and currency written any exact way', () => {
    expect(reportMatchesCharge({ result: 'success' }, CHARGE)).toBe(true);
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '48.20', currency: 'usd' }, CHARGE)).toBe(true);
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '48.2000', currency: 'USD' }, CHARGE)).toBe(true);
  });

  it('disagrees on another amount, another currency, or an amount it cannot read exactly', () => {
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '48.21' }, CHARGE)).toBe(false);
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '4820' }, CHARGE)).toBe(false);
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '48.205' }, CHARGE)).toBe(false);
    expect(reportMatchesCharge({ result: 'success', chargeAmount: '-48.20' }, CHARGE)).toBe(false);
    expect(reportMatchesCharge({ result: 'success', currency: 'cad' }, CHARGE)).toBe(false);
  });
});
