/** What the admin API works with: ports, the ledger's read and write sides, and optional seams. */
import type { LedgerAdmin, LedgerDirectory } from '../ledger/ledger-admin';
import type { ConnectionTest } from '../crm/crm';
import type { AppLogger } from '../observability/logger';
import type { OutboxReader } from '../sms/outbox-reader';
import type { PromptRecordings } from '../speech/prompt-recordings';
import type { CallLogSearch } from '../call-log/call-log';
import type { ModuleEditor } from '../config/module-store';
import type { Crm } from '../crm/crm';
import type { LookupSourceStore } from '../crm/lookup-source-store';
import type { Speech } from '../speech/speech';
import type { CurrencyCode } from '../domain/money';
import type { AuditTrail } from '../audit/audit-trail';
import type { CrmHostPolicy } from '../domain/crm-host-policy';
import type { PaymentRecordLookup, PaymentRecords } from '../payments/payment-records';
import type { ImportJobsDeps } from '../ledger/import/import-job-control';

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
  /** Which hosts a lookup source may name on this stage (checked again at every connection). */
  readonly crmHostPolicy: CrmHostPolicy;
  /** Where source passwords live, so the panel can tell the operator (default: env variables). */
  readonly secretsFrom?: { readonly kind: 'env' } | { readonly kind: 'ssm'; readonly ssmPrefix: string };
  /** The built-in ledger; `currency` is LEDGER_CURRENCY (default IRR), of records that name none. */
  readonly ledger: { readonly directory: LedgerDirectory; readonly writer: LedgerAdmin; readonly currency?: CurrencyCode };
  readonly callLog: CallLogSearch;
  /** What payment providers took (the Payments page), and marking a flagged one handled. */
  readonly payments?: PaymentRecords & PaymentRecordLookup;
  /** Every write is recorded here first (lib/audit/audit-trail.ts); the Activity page reads it. */
  readonly audit: AuditTrail;
  readonly speech: Speech;
  /** The Persian synthesizer configured (PERSIAN_TTS), if any: Persian text can then be spoken and the neural voice chosen. */
  readonly persianSynthesizer?: 'azure' | 'espeak';
  readonly publicBaseUrl: string;
  readonly audioBaseUrl: string;
  readonly logger: AppLogger;
  readonly recordings?: PromptRecordings;
  readonly outbox?: OutboxReader;
  /** Bulk import jobs: their store, the uploaded files, the queue to the worker. Absent: 503 imports_unavailable. */
  readonly imports?: ImportJobsDeps;
  readonly clock?: () => Date;
}
