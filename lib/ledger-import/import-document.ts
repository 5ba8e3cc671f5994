/**
 * The import format (infra/seed/demo.json is one): top-level moneyAccounts, customers,
 * items, destinations and modules. Everything is validated before anything is written, so
 * a document with one bad row changes nothing; each error names its section, row and field.
 */
import { z } from 'zod';
import {
  checkModuleReferences,
  fieldError,
  parseDestination,
  parseModule,
  type Destination,
  type FieldError,
  type Language,
  type ModuleConfig,
} from '../config/module-schema';
import { parseLookupSource, type LookupSource } from '../config/lookup-source-schema';
import { customerRecord, itemRecord, moneyAccountRecord, type CustomerRecord, type ItemRecord, type MoneyAccountRecord } from '../crm/ledger/ledger-records';
import type { LedgerWriter } from '../crm/ledger/ledger-crm';
import type { LookupSourceStore, ModuleStore } from '../ports';

export interface ImportDocument {
  readonly moneyAccounts: MoneyAccountRecord[];
  readonly customers: CustomerRecord[];
  readonly items: ItemRecord[];
  readonly destinations: Destination[];
  /** CRM connections by name; they name their password secret, never hold it. */
  readonly lookupSources: LookupSource[];
  readonly modules: ModuleConfig[];
}

export interface RowError extends FieldError {
  readonly section: keyof ImportDocument | '(document)';
  readonly row: number;
}

export type ImportParse = { ok: true; document: ImportDocument } | { ok: false; errors: RowError[] };

const SECTIONS = ['moneyAccounts', 'customers', 'items', 'destinations', 'lookupSources', 'modules'] as const;

function zodRows<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, rows: unknown[], section: RowError['section'], errors: RowError[], language: Language): T[] {
  const out: T[] = [];
  rows.forEach((row, index) => {
    const parsed = schema.safeParse(row);
    if (parsed.success) out.push(parsed.data);
    else for (const issue of parsed.error.issues) errors.push({ ...rowFieldError(issue, language), section, row: index });
  });
  return out;
}

/** The schema's own message codes ('required', 'too_long') in the operator's language; anything else is 'invalid'. */
function rowFieldError(issue: z.ZodIssue, language: Language): FieldError {
  const field = issue.path.join('.') || '(row)';
  if (issue.code === z.ZodIssueCode.unrecognized_keys) return fieldError(issue.keys.join(','), 'unknown_field', language);
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return fieldError(field, 'required', language);
  return fieldError(field, issue.message, language);
}

/**
 * Validates a whole document. `known` supplies records that already exist in the stores,
 * so a partial import (items only, say) can refer to customers imported earlier.
 */
export function parseImportDocument(
  input: unknown,
  known: { customerIds?: ReadonlySet<string>; destinationCodes?: ReadonlySet<string>; lookupSourceNames?: ReadonlySet<string> } = {},
  language: Language = 'en',
): ImportParse {
  const errors: RowError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ section: '(document)', row: -1, field: '(root)', code: 'invalid', message: language === 'fa' ? 'سند باید یک شیء JSON باشد.' : 'The document must be a JSON object.' }] };
  }
  const doc = input as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!(SECTIONS as readonly string[]).includes(key)) errors.push({ section: '(document)', row: -1, field: key, code: 'unknown_field', message: language === 'fa' ? `بخش «${key}» شناخته‌شده نیست.` : `Unknown section "${key}".` });
  }
  const rows = (key: (typeof SECTIONS)[number]): unknown[] => {
    const value = doc[key] ?? [];
    if (Array.isArray(value)) return value;
    errors.push({ section: key, row: -1, field: key, code: 'invalid', message: language === 'fa' ? 'باید یک آرایه باشد.' : 'Must be an array.' });
    return [];
  };
  const moneyAccounts = zodRows(moneyAccountRecord, rows('moneyAccounts'), 'moneyAccounts', errors, language);
  const customers = zodRows(customerRecord, rows('customers'), 'customers', errors, language);
  const items = zodRows(itemRecord, rows('items'), 'items', errors, language);
  const destinations: Destination[] = [];
  rows('destinations').forEach((row, index) => {
    const parsed = parseDestination(row, language);
    if (parsed.ok) destinations.push(parsed.value);
    else for (const e of parsed.errors) errors.push({ ...e, section: 'destinations', row: index });
  });
  const lookupSources: LookupSource[] = [];
  rows('lookupSources').forEach((row, index) => {
    const parsed = parseLookupSource(row, language);
    if (parsed.ok) lookupSources.push(parsed.value);
    else for (const e of parsed.errors) errors.push({ ...e, section: 'lookupSources', row: index });
  });
  const modules: ModuleConfig[] = [];
  rows('modules').forEach((row, index) => {
    const parsed = parseModule(row, language);
    if (parsed.ok) modules.push(parsed.value);
    else for (const e of parsed.errors) errors.push({ ...e, section: 'modules', row: index });
  });

  // Cross-record rules.
  const customerIds = new Set([...(known.customerIds ?? []), ...customers.map((c) => c.id)]);
  items.forEach((item, index) => {
    if (!customerIds.has(item.customerId)) errors.push({ section: 'items', row: index, field: 'customerId', code: 'unknown_customer', message: language === 'fa' ? `مشتری‌ای با شناسه «${item.customerId}» وجود ندارد.` : `No customer has id "${item.customerId}".` });
  });
  const destinationCodes = new Set([...(known.destinationCodes ?? []), ...destinations.map((d) => d.code)]);
  const sourceNames = new Set([...(known.lookupSourceNames ?? []), ...lookupSources.map((s) => s.name)]);
  modules.forEach((module, index) => {
    for (const e of checkModuleReferences(module, (code) => destinationCodes.has(code), language, (name) => sourceNames.has(name))) errors.push({ ...e, section: 'modules', row: index });
  });
  duplicates(lookupSources.map((s) => s.name), 'lookupSources', 'name', errors, language);
  duplicates(customers.map((c) => c.id), 'customers', 'id', errors, language);
  duplicates(modules.map((m) => m.code), 'modules', 'code', errors, language);
  duplicates(destinations.map((d) => d.code), 'destinations', 'code', errors, language);
  duplicates(items.map((i) => `${i.customerId}/${i.type}/${i.number}`), 'items', 'number', errors, language);

  return errors.length > 0 ? { ok: false, errors } : { ok: true, document: { moneyAccounts, customers, items, destinations, lookupSources, modules } };
}

function duplicates(keys: string[], section: RowError['section'], field: string, errors: RowError[], language: Language): void {
  const seen = new Set<string>();
  keys.forEach((key, row) => {
    if (seen.has(key)) errors.push({ section, row, field, code: 'duplicate_code', message: language === 'fa' ? `«${key}» بیش از یک بار آمده است.` : `"${key}" appears more than once.` });
    seen.add(key);
  });
}

export interface ImportCounts {
  readonly moneyAccounts: number;
  readonly customers: number;
  readonly items: number;
  readonly destinations: number;
  readonly lookupSources: number;
  readonly modules: number;
}

/** Writes a validated document. Every write is a keyed put, so importing twice changes nothing. */
export async function applyImport(document: ImportDocument, stores: { ledger: LedgerWriter; modules: ModuleStore; lookupSources?: LookupSourceStore }): Promise<ImportCounts> {
  await stores.ledger.putMoneyAccounts(document.moneyAccounts);
  await stores.ledger.putCustomers(document.customers);
  await stores.ledger.putItems(document.items);
  // Destinations before modules: a module never points at a destination not yet stored.
  for (const destination of document.destinations) await stores.modules.putDestination(destination);
  if (document.lookupSources.length > 0 && !stores.lookupSources) throw new Error('import has lookup sources but no lookup-source store was given');
  // Sources before modules, for the same reason.
  for (const source of document.lookupSources) await stores.lookupSources?.putSource(source);
  for (const module of document.modules) await stores.modules.putModule(module);
  return {
    moneyAccounts: document.moneyAccounts.length,
    customers: document.customers.length,
    items: document.items.length,
    destinations: document.destinations.length,
    lookupSources: document.lookupSources.length,
    modules: document.modules.length,
  };
}
