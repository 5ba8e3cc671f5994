import { hashPhonePassword, PasswordHashFormatError, PhonePasswordFormatError, verifyPhonePassword } from '../../lib/auth/password-hash';

const FAST = { N: 1024, r: 8, p: 1 };

describe('telephone password hashes', () => {
  it('store scrypt parameters and a fresh salt with each hash', async () => {
    const a = await hashPhonePassword('2468', FAST);
    const b = await hashPhonePassword('2468', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('2468');
  });

  it('verify the right password and refuse a wrong one', async () => {
    const hash = await hashPhonePassword('2468', FAST);
    expect(await verifyPhonePassword('2468', hash)).toBe(true);
    expect(await verifyPhonePassword('۲۴۶۸', hash)).toBe(true);
    expect(await verifyPhonePassword('2469', hash)).toBe(false);
    expect(await verifyPhonePassword('', hash)).toBe(false);
  });

  it('use the default (slow) parameters unless told otherwise', async () => {
    const hash = await hashPhonePassword('13579');
    expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(await verifyPhonePassword('13579', hash)).toBe(true);
  });

  it('answer false when no password is stored', async () => {
    expect(await verifyPhonePassword('00000000', undefined)).toBe(false);
  });

  it('refuse passwords that are not 4 to 12 digits, and hashes of another scheme', async () => {
    await expect(hashPhonePassword('12a4', FAST)).rejects.toBeInstanceOf(PhonePasswordFormatError);
    await expect(hashPhonePassword('123', FAST)).rejects.toBeInstanceOf(PhonePasswordFormatError);
    await expect(verifyPhonePassword('1234', 'bcrypt$xyz')).rejects.toBeInstanceOf(PasswordHashFormatError);
  });
});
