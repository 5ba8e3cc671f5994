/**
 * Telephone passwords are kept only as salted scrypt hashes (Node's built-in crypto: no
 * dependency, no native addon). The parameters travel with each hash, so they can be raised
 * later without invalidating stored passwords:
 *
 *   scrypt$<N>$<r>$<p>$<salt, base64>$<hash, base64>
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { toAsciiDigits } from '../domain/phone';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** ~0.2 s and 32 MiB per check on one core here: slow for guessing, affordable once per call step. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

/** Typed on a keypad: 4 to 12 digits. */
export const PHONE_PASSWORD = /^[0-9]{4,12}$/;

export class PhonePasswordFormatError extends Error {
  override readonly name = 'PhonePasswordFormatError';
}

export class PasswordHashFormatError extends Error {
  override readonly name = 'PasswordHashFormatError';
}

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, with headroom.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scryptCallback(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Persian/Arabic-Indic digits typed or imported count as the same password. */
export function normalisePhonePassword(password: string): string {
  return toAsciiDigits(password).trim();
}

export async function hashPhonePassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const plain = normalisePhonePassword(password);
  if (!PHONE_PASSWORD.test(plain)) throw new PhonePasswordFormatError('a telephone password is 4 to 12 digits');
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(plain, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !key || ![params.N, params.r, params.p].every((v) => Number.isInteger(v) && v > 0)) {
    throw new PasswordHashFormatError('not a scrypt password hash');
  }
  return { params, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

// Checked when there is no stored hash, so "no such password" costs the same scrypt work as
// "wrong password". Its key matches no password: it is random, not derived.
const DECOY = [
  'scrypt',
  DEFAULT_SCRYPT_PARAMS.N,
  DEFAULT_SCRYPT_PARAMS.r,
  DEFAULT_SCRYPT_PARAMS.p,
  randomBytes(SALT_BYTES).toString('base64'),
  randomBytes(KEY_LENGTH).toString('base64'),
].join('$');

/**
 * True only when `password` matches `stored`. With no stored hash the same scrypt work is
 * done against a decoy and the answer is false.
 */
export async function verifyPhonePassword(password: string, stored: string | undefined): Promise<boolean> {
  const plain = normalisePhonePassword(password);
  const target = stored ?? DECOY;
  const { params, salt, key } = parseHash(target);
  const candidate = await scrypt(plain, salt, params);
  const same = candidate.length === key.length && timingSafeEqual(candidate, key);
  return same && stored !== undefined;
}
