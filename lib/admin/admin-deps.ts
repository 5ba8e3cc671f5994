/** What the admin API works with: ports, the ledger's read and write sides, and optional seams. */
import type { Language } from '../config/module-schema';
import type { LedgerWriter } from '../crm/ledger/ledger-crm';
import type { LedgerDirectory } from '../crm/ledger/ledger-directory';
import type { ConnectionTest } from '../crm/crm-resolver';
import type { AppLogger } from '../observability/logger';
import type { CallLogSearch, Crm, LookupSourceStore, ModuleEditor, Speech } from '../ports';

/**
 * Stores and removes uploaded prompt recordings (the speech/uploads service provides it).
 * `upload` returns the key a module's prompt override keeps as `audioKey`.
 */
/**
 * Prompt recordings (lib/speech/prompt-recordings.ts): validates the audio by its content,
 * stores it under its content hash and points the module's prompt at it. Refusals throw
 * RecordingRejectedError (field-level messages); an unknown module ModuleNotFoundError.
 */
export interface PromptRecordings {
  upload(moduleCode: string, promptKey: string, bytes: Uint8Array, contentType: string, language: Language): Promise<{ audioKey: string }>;
  /** Stops using the prompt's recording; false when it had none. */
  remove(moduleCode: string, promptKey: string, language: Language): Promise<boolean>;
}

export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: string;
  readonly status?: string;
  readonly callSid?: string;
  readonly moduleCode?: string;
}

/** Reads the SMS outbox (the payment-link service provides it). */
export interface OutboxReader {
  list(options: { limit: number; cursor?: string }): Promise<{ messages: OutboxMessage[]; nextCursor?: string }>;
}

export interface AdminDeps {
  readonly modules: ModuleEditor;
  /** The CRM behind a lookup source name (`ledger`, ...); undefined when none has it. */
  readonly crmFor: (source: string) => Promise<Crm | undefined>;
  /** Every lookup source a module may name: built-in and stored. */
  readonly lookupSourceNames: () => Promise<string[]>;
  /** Where lookup sources are stored (import documents and the lookup-source routes). */
  readonly lookupSourceStore?: LookupSourceStore;
  /** One harmless lookup through a source's resilient adapter (the lookup-source "test connection"). */
  readonly testLookupSource?: (name: string) => Promise<ConnectionTest>;
  /** Where source passwords live, so the panel can tell the operator (default: env variables). */
  readonly secretsFrom?: { readonly kind: 'env' } | { readonly kind: 'ssm'; readonly ssmPrefix: string };
  readonly ledger: { readonly directory: LedgerDirectory; readonly writer: LedgerWriter };
  readonly callLog: CallLogSearch;
  readonly speech: Speech;
  readonly publicBaseUrl: string;
  readonly audioBaseUrl: string;
  readonly logger: AppLogger;
  readonly recordings?: PromptRecordings;
  readonly outbox?: OutboxReader;
  readonly clock?: () => Date;
}
