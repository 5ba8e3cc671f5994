/** Port: modules and destinations (adapter: dynamo-module-store.ts). */
import type { Destination, ModuleConfig } from './module-schema';

export interface ModuleStore {
  getModule(code: string): Promise<ModuleConfig | undefined>;
  getDestination(code: string): Promise<Destination | undefined>;
  putModule(module: ModuleConfig): Promise<void>;
  putDestination(destination: Destination): Promise<void>;
  listModules(): Promise<ModuleConfig[]>;
  listDestinations(): Promise<Destination[]>;
}

/** What the admin API needs beyond ModuleStore: create only when new, update only when present, delete. */
export interface ModuleEditor extends ModuleStore {
  /** false when the code is taken. */
  createModule(module: ModuleConfig): Promise<boolean>;
  /** false when no module has this code. */
  updateModule(module: ModuleConfig): Promise<boolean>;
  deleteModule(code: string): Promise<void>;
  createDestination(destination: Destination): Promise<boolean>;
  updateDestination(destination: Destination): Promise<boolean>;
  deleteDestination(code: string): Promise<void>;
}
