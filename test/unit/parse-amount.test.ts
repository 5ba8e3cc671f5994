import { parseAmount } from '../../lib/domain/parse-amount';

describe('reading a CRM amount independently of culture', () => {
  it.each([
    ['1234.5', 1234.5],
    ['1,234.5', 1234.5],
    ['-1250000.0000', -1250000],
    ['۱۲۵۰۰۰۰', 1250000],
    ['۱٬۲۵۰٬۰۰۰٫۵', 1250000.5],
    ['−۲۰۰', -200],
    [' 42 ', 42],
    [1500, 1500],
  ])('reads %p as %p', (raw, expected) => {
    expect(parseAmount(raw)).toBe(expected);
  });

  it.each(['', 'n/a', '1.250.000,00', '1234,5', '12,34', '1e6', 'NaN', '--5', null, undefined, Number.NaN])('refuses %p rather than reading it as 0', (raw) => {
    expect(parseAmount(raw)).toBeUndefined();
  });
});
