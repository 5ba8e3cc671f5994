/**
 * Rules about a stored lookup source that the call path needs, without the validator: the
 * voice bundle carries no zod (lookup-source-schema.ts), only these and the type.
 */
import type { LookupSource } from './lookup-source-schema';

/** Whether a source sends a password (then read from its own secret `crm/<name>`). */
export function sourceUsesPassword(source: LookupSource): boolean {
  return source.type === 'payamgostar' || source.auth === 'basic';
}

/** A stored definition as the current schema has it: a `passwordSecret` of an older version is dropped (its password is now `crm/<name>`). */
export function migrateStoredSource(record: LookupSource & { passwordSecret?: unknown }): LookupSource {
  if (!('passwordSecret' in record)) return record;
  const { passwordSecret: _dropped, ...current } = record;
  return current as LookupSource;
}
