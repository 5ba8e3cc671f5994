import { countSegments, paymentLinkText } from '../../lib/domain/sms-text';

const URL = 'https://abcd1234ef.execute-api.eu-central-1.amazonaws.com/pay/AbCdEfGhIjKlMnOp.mabc12.AbCdEfGhIjKlMnOpQrStUv';

describe('SMS segment counting', () => {
  it('counts GSM-7 text in 160-septet segments, 153 when concatenated, extension characters twice', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  });

  it('counts Persian as UCS-2: 70 characters in one segment, 67 per part after that', () => {
    expect(countSegments('س'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('س'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(countSegments('س'.repeat(135))).toEqual({ encoding: 'UCS-2', units: 135, segments: 3 });
  });
});

describe('payment link text', () => {
  it('says the amount and the link in English within one segment', () => {
    const m = paymentLinkText({ language: 'en', amount: 1_250_000, currency: { code: 'IRR', unit: 'rial' }, url: URL, businessName: 'Acme' });
    expect(m.text).toBe(`Acme: to pay 1,250,000 rials, open ${URL}`);
    expect(m.count).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('says the amount and the link in Persian within two segments, dropping the business name if it must', () => {
    const m = paymentLinkText({ language: 'fa', amount: 750_000, currency: { code: 'IRR', unit: 'toman' }, url: URL, businessName: 'فروشگاه نمونه' });
    expect(m.text).toContain('۷۵٬۰۰۰ تومان');
    expect(m.text.endsWith(URL)).toBe(true);
    expect(m.count.encoding).toBe('UCS-2');
    expect(m.count.segments).toBeLessThanOrEqual(2);
    const longName = paymentLinkText({
      language: 'fa',
      amount: 750_000,
      currency: { code: 'IRR', unit: 'toman' },
      url: URL,
      businessName: 'شرکت بازرگانی و خدمات پس از فروش نمونه',
    });
    expect(longName.text).toBe(`پرداخت ۷۵٬۰۰۰ تومان:\n${URL}`);
    expect(longName.count.segments).toBe(2);
  });

  it('shows a cents currency as the customer reads it, and stays GSM-7 in English', () => {
    const m = paymentLinkText({ language: 'en', amount: 1250, currency: { code: 'USD' }, url: URL, businessName: 'Acme' });
    expect(m.text).toBe(`Acme: to pay $12.50, open ${URL}`);
    expect(m.count.encoding).toBe('GSM-7');
    expect(paymentLinkText({ language: 'en', amount: 1500, currency: { code: 'KWD' }, url: URL, businessName: 'Acme' }).count.encoding).toBe('GSM-7');
  });

  it('says a toman module’s debt below half a toman in rials, as the caller heard it', () => {
    expect(paymentLinkText({ language: 'fa', amount: 4, currency: { code: 'IRR', unit: 'toman' }, url: URL, businessName: 'x' }).text).toContain('۴ ریال');
  });
});
