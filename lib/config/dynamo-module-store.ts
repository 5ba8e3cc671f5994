import { conditionHeld } from '../aws/conditional-write';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BalanceModule, Destination, ModuleConfig } from './module-schema';
import { readModuleCurrency } from '../domain/money';
import type { ModuleEditor, ModuleStore } from './module-store';
import { scanRecordsByPrefix } from '../aws/paged-reads';

const moduleKey = (code: string) => `MODULE#${code}`;
const destinationKey = (code: string) => `DEST#${code}`;

/**
 * Records as stored, upgraded on read: without `kind` a module is a balance module (data
 * from before kinds existed), and a currency in the shape from before ISO codes
 * (`{ unit, divisor }`) becomes `{ code: 'IRR', unit }`. A currency that cannot be read
 * (an old custom divisor) is left as stored: announcing it fails loudly (the caller gets the
 * apology and the error destination) and the panel shows it for the operator to fix.
 */
function upgraded(record: ModuleConfig): ModuleConfig {
  const kind = record.kind ?? 'balance';
  if (kind !== 'balance') return record;
  const currency = readModuleCurrency((record as { currency?: unknown }).currency) ?? (record as BalanceModule).currency;
  return { ...(record as BalanceModule), kind, currency };
}

/** Modules and destinations in one configuration table, keyed `MODULE#code` / `DEST#code`. */
export class DynamoModuleStore implements ModuleEditor {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getModule(code: string): Promise<ModuleConfig | undefined> {
    const record = await this.getRecord<ModuleConfig>(moduleKey(code));
    return record && upgraded(record);
  }

  async getDestination(code: string): Promise<Destination | undefined> {
    return this.getRecord<Destination>(destinationKey(code));
  }

  async putModule(module: ModuleConfig): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: moduleKey(module.code), record: module } }));
  }

  async putDestination(destination: Destination): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: destinationKey(destination.code), record: destination } }));
  }

  async listModules(): Promise<ModuleConfig[]> {
    return (await scanRecordsByPrefix<ModuleConfig>(this.client, this.tableName, 'MODULE#')).map(upgraded);
  }

  async listDestinations(): Promise<Destination[]> {
    return scanRecordsByPrefix<Destination>(this.client, this.tableName, 'DEST#');
  }

  createModule(module: ModuleConfig): Promise<boolean> {
    return this.conditionalPut(moduleKey(module.code), module, 'attribute_not_exists(pk)');
  }

  updateModule(module: ModuleConfig): Promise<boolean> {
    return this.conditionalPut(moduleKey(module.code), module, 'attribute_exists(pk)');
  }

  async deleteModule(code: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: moduleKey(code) } }));
  }

  createDestination(destination: Destination): Promise<boolean> {
    return this.conditionalPut(destinationKey(destination.code), destination, 'attribute_not_exists(pk)');
  }

  updateDestination(destination: Destination): Promise<boolean> {
    return this.conditionalPut(destinationKey(destination.code), destination, 'attribute_exists(pk)');
  }

  async deleteDestination(code: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: destinationKey(code) } }));
  }

  /** A put guarded by a condition, so two operators saving at once cannot both create one code. */
  private conditionalPut(pk: string, record: unknown, condition: string): Promise<boolean> {
    return conditionHeld(this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk, record }, ConditionExpression: condition })));
  }

  private async getRecord<T>(pk: string): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk } }));
    return Item?.record as T | undefined;
  }
}

/**
 * Keeps configuration in memory for a few seconds so a warm webhook step costs no
 * configuration read. Edits made in the panel reach calls within `ttlMs`.
 */
export class CachedModuleStore implements ModuleStore {
  private readonly cache = new Map<string, { value: unknown; expires: number }>();

  constructor(
    private readonly inner: ModuleStore,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  getModule(code: string): Promise<ModuleConfig | undefined> {
    return this.cached(`m:${code}`, () => this.inner.getModule(code));
  }

  getDestination(code: string): Promise<Destination | undefined> {
    return this.cached(`d:${code}`, () => this.inner.getDestination(code));
  }

  async putModule(module: ModuleConfig): Promise<void> {
    this.cache.delete(`m:${module.code}`);
    await this.inner.putModule(module);
  }

  async putDestination(destination: Destination): Promise<void> {
    this.cache.delete(`d:${destination.code}`);
    await this.inner.putDestination(destination);
  }

  listModules(): Promise<ModuleConfig[]> {
    return this.inner.listModules();
  }

  listDestinations(): Promise<Destination[]> {
    return this.inner.listDestinations();
  }

  private async cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.clock()) return hit.value as T;
    const value = await load();
    // Only found records are cached: a module created a moment ago answers at once.
    if (value !== undefined && this.ttlMs > 0) this.cache.set(key, { value, expires: this.clock() + this.ttlMs });
    return value;
  }
}
