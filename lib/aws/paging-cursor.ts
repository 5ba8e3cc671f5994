/** Opaque paging cursors: DynamoDB's continuation keys, base64url-encoded for the admin API. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, unknown>>(raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch (error) {
    throw new InvalidCursorError('the paging cursor is not valid', { cause: error });
  }
}

/**
 * A cursor that must be a DynamoDB start key of a table keyed by `keyNames` (string keys).
 * Anything else is refused here, so a forged cursor is a 400, never a malformed request to
 * DynamoDB.
 */
export function decodeStartKey(raw: string | undefined, keyNames: readonly string[]): Record<string, string> | undefined {
  const value = decodeCursor(raw);
  if (value === undefined) return undefined;
  if (!isStartKey(value, keyNames)) throw new InvalidCursorError('the paging cursor is not valid');
  return value;
}

/** Exactly the given attribute names, each with a non-empty string value. */
export function isStartKey(value: unknown, keyNames: readonly string[]): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return entries.length === keyNames.length && entries.every(([name, v]) => keyNames.includes(name) && typeof v === 'string' && v.length > 0);
}
