/**
 * Port: the audit trail of admin changes (adapter: dynamo-audit-trail.ts). Every admin write
 * (module, destination, lookup source, recording, import, payment or credit flag) leaves one
 * entry: when, which admin key (current or next, never the key), from which address, what
 * changed (before and after, secrets never included) and any warning the operator was given.
 *
 * Recording a change is one call:
 *
 *   await audited(deps.audit, request.actor, { area: 'payment', action: 'update', target: id, before, after }, () => apply());
 *
 * `audited` writes the entry first and takes it back if the change then fails, so a change
 * the trail could not record is not made (the admin API answers 503), and a refused change
 * leaves no entry. `audit.record(actor, change)` alone writes an entry.
 */

export const AUDIT_AREAS = ['module', 'destination', 'lookup-source', 'recording', 'import', 'payment', 'credit'] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

/** Which of the two accepted admin keys made the change (see ADMIN_API_KEY_NEXT). */
export type AdminKeyId = 'current' | 'next';

export interface AuditActor {
  readonly key: AdminKeyId;
  /** The address the request came from (API Gateway's view of the TCP peer). */
  readonly sourceIp?: string;
}

export interface AuditChange {
  readonly area: AuditArea;
  /** create, update, delete, enable, disable, upload, remove, import, … */
  readonly action: string;
  /** What was changed: a module or destination code, a source name, `<module>/<prompt>`, … */
  readonly target: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Warnings the operator was given with this change (message codes, e.g. `password_sent_to_new_host`). */
  readonly warnings?: readonly string[];
}

export interface AuditEntryState {
  /** The change failed part-way (an import whose storage failed after some rows): some of it may be in place. */
  readonly failed?: boolean;
}

export interface AuditEntry extends AuditChange, AuditEntryState {
  readonly id: string;
  /** ISO timestamp. */
  readonly at: string;
  readonly key: AdminKeyId;
  readonly sourceIp?: string;
}

export interface AuditQuery {
  readonly area?: AuditArea;
  readonly action?: string;
  /** Exact target (a module code, a source name). */
  readonly target?: string;
  readonly key?: AdminKeyId;
  /** First and last day, YYYY-MM-DD (UTC). */
  readonly fromDay: string;
  readonly toDay: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AuditPage {
  readonly entries: AuditEntry[];
  readonly nextCursor?: string;
}

export interface AuditTrail {
  /** Writes one entry; throws when it cannot be stored. */
  record(actor: AuditActor, change: AuditChange): Promise<AuditEntry>;
  /** Removes an entry whose change did not happen after all. */
  withdraw(entry: AuditEntry): Promise<void>;
  /** Marks an entry whose change failed part-way: it stays, so what may have changed is still on record. */
  markFailed(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  search(query: AuditQuery): Promise<AuditPage>;
}

/** The trail could not be written, so the change was not made. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

/**
 * Records the change, then makes it. When recording fails nothing is changed
 * (AuditUnavailableError); when the change fails (a conflict, a refusal) its entry is taken back,
 * unless the change is `partial` (many writes, e.g. an import): then a failure may leave some of
 * it in place, and the entry stays, marked failed.
 */
export async function audited<T>(
  trail: AuditTrail,
  actor: AuditActor,
  change: AuditChange,
  apply: () => Promise<T>,
  options: { partial?: boolean } = {},
): Promise<T> {
  let entry: AuditEntry;
  try {
    entry = await trail.record(actor, change);
  } catch (error) {
    throw new AuditUnavailableError('the audit trail could not be written; nothing was changed', { cause: error });
  }
  try {
    return await apply();
  } catch (error) {
    // Best effort: an entry left behind describes a change that was attempted, never a secret.
    await (options.partial ? trail.markFailed(entry) : trail.withdraw(entry)).catch(() => undefined);
    throw error;
  }
}

/** Field names whose values are secrets (or hashes of them): replaced, never stored. */
const SECRET_FIELD = /password|secret|token|api[-_]?key|authorization|credential/i;
export const REDACTED = '[redacted]';
/** Past this, a before/after is summarised rather than stored (a DynamoDB item holds 400 KB). */
const MAX_SNAPSHOT_BYTES = 48 * 1024;

/** A deep copy with every secret-looking field's value replaced by `[redacted]`. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    out[key] = SECRET_FIELD.test(key) ? REDACTED : withoutSecrets(inner);
  }
  return out;
}

/** What an entry stores of a before/after: secrets removed, and a summary when it is too large. */
export function snapshot(value: unknown): unknown {
  if (value === undefined) return undefined;
  const clean = withoutSecrets(value);
  const json = JSON.stringify(clean);
  if (json === undefined) return undefined;
  const bytes = Buffer.byteLength(json);
  return bytes > MAX_SNAPSHOT_BYTES ? { truncated: true, bytes } : clean;
}
