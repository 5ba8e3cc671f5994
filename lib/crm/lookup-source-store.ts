/** Port: where named lookup sources are kept (adapter: dynamo-lookup-source-store.ts). */
import type { LookupSource } from '../config/lookup-source-schema';

/** Named lookup sources (CRM connections); the built-in `ledger` is not stored. */
export interface LookupSourceStore {
  getSource(name: string): Promise<LookupSource | undefined>;
  putSource(source: LookupSource): Promise<void>;
  listSources(): Promise<LookupSource[]>;
  /** Stores a new source; false when the name is taken. */
  createSource(source: LookupSource): Promise<boolean>;
  /** Replaces an existing source; false when there is none by that name. */
  updateSource(source: LookupSource): Promise<boolean>;
  /** False when there was none by that name. */
  deleteSource(name: string): Promise<boolean>;
}
