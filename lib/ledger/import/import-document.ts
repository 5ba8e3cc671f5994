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
  type SpeechCapabilities,
  type Destination,
  type FieldError,
  type Language,
  type ModuleConfig,
} from '../../config/module-schema';
import { parseLookupSource, type LookupSource } from '../../config/lookup-source-schema';
import { customerRecord, itemRecord, moneyAccountRecord, type CustomerRecord, type ItemRecord, type MoneyAccountRecord } from '../ledger-records';
import type { LedgerAdmin } from '../ledger-admin';
import type { ModuleStore } from '../../config/module-store';
import type { LookupSourceStore } from '../../crm/lookup-source-store';

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

/** A valid row and where it stood in the document, so later checks report the operator's row number. */
interface Row<T> {
  readonly row: number;
  readonly value: T;
}

type RowParse<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function parseRows<T>(rows: unknown[], section: RowError['section'], errors: RowError[], parse: (row: unknown) => RowParse<T>): Row<T>[] {
  const out: Row<T>[] = [];
  rows.forEach((raw, row) => {
    const parsed = parse(raw);
    if (parsed.ok) out.push({ row, value: parsed.value });
    else for (const e of parsed.errors) errors.push({ ...e, section, row });
  });
  return out;
}

function withSchema<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, language: Language): (row: unknown) => RowParse<T> {
  return (row) => {
    const parsed = schema.safeParse(row);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: parsed.error.issues.map((issue) => rowFieldError(issue, language)) };
  };
}

const values = <T>(rows: readonly Row<T>[]): T[] => rows.map((r) => r.value);

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
  known: { customerIds?: ReadonlySet<string>; destinationCodes?: ReadonlySet<string>; lookupSourceNames?: ReadonlySet<string>; speech?: SpeechCapabilities } = {},
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
  const moneyAccounts = parseRows(rows('moneyAccounts'), 'moneyAccounts', errors, withSchema(moneyAccountRecord, language));
  const customers = parseRows(rows('customers'), 'customers', errors, withSchema(customerRecord, language));
  const items = parseRows(rows('items'), 'items', errors, withSchema(itemRecord, language));
  const destinations = parseRows(rows('destinations'), 'destinations', errors, (row) => parseDestination(row, language));
  const lookupSources = parseRows(rows('lookupSources'), 'lookupSources', errors, (row) => parseLookupSource(row, language));
  const modules = parseRows(rows('modules'), 'modules', errors, (row) => parseModule(row, language, known.speech));

  // Cross-record rules.
  const customerIds = new Set([...(known.customerIds ?? []), ...customers.map((c) => c.value.id)]);
  for (const { row, value: item } of items) {
    if (!customerIds.has(item.customerId)) errors.push({ section: 'items', row, field: 'customerId', code: 'unknown_customer', message: language === 'fa' ? `مشتری‌ای با شناسه «${item.customerId}» وجود ندارد.` : `No customer has id "${item.customerId}".` });
  }
  const destinationCodes = new Set([...(known.destinationCodes ?? []), ...destinations.map((d) => d.value.code)]);
  const sourceNames = new Set([...(known.lookupSourceNames ?? []), ...lookupSources.map((s) => s.value.name)]);
  for (const { row, value: module } of modules) {
    for (const e of checkModuleReferences(module, (code) => destinationCodes.has(code), language, (name) => sourceNames.has(name))) errors.push({ ...e, section: 'modules', row });
  }
  duplicates(lookupSources.map((s) => ({ row: s.row, key: s.value.name })), 'lookupSources', 'name', errors, language);
  duplicates(customers.map((c) => ({ row: c.row, key: c.value.id })), 'customers', 'id', errors, language);
  duplicates(modules.map((m) => ({ row: m.row, key: m.value.code })), 'modules', 'code', errors, language);
  duplicates(destinations.map((d) => ({ row: d.row, key: d.value.code })), 'destinations', 'code', errors, language);
  duplicates(items.map((i) => ({ row: i.row, key: `${i.value.customerId}/${i.value.type}/${i.value.number}` })), 'items', 'number', errors, language);

  const document = {
    moneyAccounts: values(moneyAccounts),
    customers: values(customers),
    items: values(items),
    destinations: values(destinations),
    lookupSources: values(lookupSources),
    modules: values(modules),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document };
}

function duplicates(keys: { row: number; key: string }[], section: RowError['section'], field: string, errors: RowError[], language: Language): void {
  const seen = new Set<string>();
  keys.forEach(({ key, row }) => {
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
export async function applyImport(document: ImportDocument, stores: { ledger: LedgerAdmin; modules: ModuleStore; lookupSources?: LookupSourceStore }): Promise<ImportCounts> {
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
