/**
 * The built-in ledger for operators: customers with balances, and imports (the JSON import
 * document, or CSV of customers or items). An import is validated whole before anything is
 * written, so a file with one bad row changes nothing and the report lists every bad row.
 */
import type { Language } from '../../config/module-schema';
import { rowsFromCsv, type CsvKind } from '../../ledger/import/csv-import';
import { applyImport, parseImportDocument, type ImportDocument, type RowError } from '../../ledger/import/import-document';
import { adminFieldError } from '../admin-messages';
import { AdminError, NotFoundError, UnsupportedMediaTypeError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRequest, AdminRouter } from '../admin-router';
import { contentType, ok, queryInt, readJson, readText } from '../request-body';
import { referenceCurrencies } from './configuration-routes';
import { audited } from '../../audit/audit-trail';
import type { LookupSource } from '../../config/lookup-source-schema';
import { sameLocalSecret } from '../../secrets/secret-names';
import { hostChangeWarnings, hostErrors } from './lookup-source-routes';

/** How many ids an import's audit entry lists per section before it only counts. */
const AUDIT_LIST_LIMIT = 200;

/** One line of an import report: which section and row (and CSV line), which field, why. */
export interface ImportProblem extends RowError {
  readonly line?: number;
}

class ImportRejected extends AdminError {
  override readonly name = 'ImportRejected';
  constructor(problems: readonly ImportProblem[]) {
    super(422, 'invalid_import', [], { problems });
  }
}

/** `amounts`: how amount fields are written — numbers of minor units (JSON) or text (CSV cells, read strictly). */
async function importDocument(deps: AdminDeps, input: unknown, request: AdminRequest, lines?: number[], amounts: 'json' | 'text' = 'json') {
  const language: Language = request.language;
  const doc = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const items = Array.isArray(doc.items) ? (doc.items as { customerId?: unknown }[]) : [];
  const referenced = items.map((i) => (typeof i?.customerId === 'string' ? i.customerId : '')).filter(Boolean);
  const [customerIds, destinations, sources, currencies, modules] = await Promise.all([
    deps.ledger.directory.existingCustomerIds(referenced),
    deps.modules.listDestinations(),
    deps.lookupSourceNames(),
    referenceCurrencies(deps),
    deps.modules.listModules(),
  ]);
  const known = {
    customerIds,
    destinationCodes: new Set(destinations.map((d) => d.code)),
    lookupSourceNames: new Set(sources),
    lookupSourceCurrencies: currencies.sources,
    moneyAccountCurrencies: currencies.accounts,
    // A stored module's invoice value field holds amounts too: they are read as strictly as FinalValue.
    amountFields: new Set(modules.flatMap((m) => (m.kind === 'balance' ? [m.invoiceValueField] : []))),
    ledgerCurrency: deps.ledger.currency ?? 'IRR',
    speech: { persianSynthesizer: deps.persianSynthesizer !== undefined },
  };
  const parsed = parseImportDocument(input, known, language, amounts);
  if (!parsed.ok) {
    throw new ImportRejected(parsed.errors.map((e) => (lines && e.row >= 0 ? { ...e, line: lines[e.row] ?? -1 } : e)));
  }
  const imported = await importedSources(deps, parsed.document.lookupSources, language);
  const dryRun = request.query.dryRun === '1' || request.query.dryRun === 'true';
  const counts = dryRun
    ? {
        moneyAccounts: parsed.document.moneyAccounts.length,
        customers: parsed.document.customers.length,
        items: parsed.document.items.length,
        destinations: parsed.document.destinations.length,
        modules: parsed.document.modules.length,
      }
    : await audited(
        deps.audit,
        request.actor,
        importChange(parsed.document, imported.warnings),
        () =>
          applyImport(parsed.document, {
            ledger: deps.ledger.writer,
            modules: deps.modules,
            ...(deps.lookupSourceStore ? { lookupSources: deps.lookupSourceStore } : {}),
          }),
        // Many writes: a storage failure part-way leaves its entry, marked failed.
        { partial: true },
      );
  return ok({ imported: !dryRun, counts, ...(imported.warnings.length > 0 ? { warnings: imported.warnings } : {}) });
}

/**
 * Lookup sources in an import follow the same rules as those saved one by one: the stage's
 * host policy, no name clashing with another source's password variable, and a warning for
 * each source whose host moves (its password will go there).
 */
async function importedSources(deps: AdminDeps, sources: readonly LookupSource[], language: Language) {
  const problems: ImportProblem[] = [];
  const warnings: { name: string; code: string; message: string }[] = [];
  if (sources.length === 0) return { warnings };
  const stored = (await deps.lookupSourceStore?.listSources()) ?? [];
  sources.forEach((source, row) => {
    for (const error of hostErrors(source, deps.crmHostPolicy, language)) problems.push({ ...error, section: 'lookupSources', row });
    const others = [...stored.map((s) => s.name), ...sources.filter((_, i) => i !== row).map((s) => s.name)];
    if (others.some((other) => other !== source.name && sameLocalSecret(other, source.name)))
      problems.push({ ...adminFieldError('name', 'source_name_clash', language), section: 'lookupSources', row });
    const before = stored.find((s) => s.name === source.name);
    for (const warning of hostChangeWarnings(before, source, language)) warnings.push({ name: source.name, ...warning });
  });
  if (problems.length > 0) throw new ImportRejected(problems);
  return { warnings };
}

/** An import's audit entry: what it wrote, by id (the first ones of a large file), never a password hash. */
function importChange(document: ImportDocument, warnings: readonly { name: string; code: string }[]) {
  const ids = (values: readonly string[]) =>
    values.length > AUDIT_LIST_LIMIT ? [...values.slice(0, AUDIT_LIST_LIMIT), `… ${values.length - AUDIT_LIST_LIMIT} more`] : [...values];
  return {
    area: 'import' as const,
    action: 'import',
    target: 'ledger',
    after: {
      moneyAccounts: ids(document.moneyAccounts.map((a) => a.key)),
      customers: ids(document.customers.map((c) => c.id)),
      items: ids(document.items.map((i) => `${i.customerId}/${i.type}/${i.number}`)),
      destinations: ids(document.destinations.map((d) => d.code)),
      modules: ids(document.modules.map((m) => m.code)),
      lookupSources: document.lookupSources.map((s) => ({ name: s.name, type: s.type, host: s.host })),
    },
    warnings: [...new Set(warnings.map((w) => w.code))],
  };
}

async function importCsv(deps: AdminDeps, kind: CsvKind, request: AdminRequest) {
  const type = contentType(request);
  if (type !== 'text/csv' && type !== 'text/plain' && type !== '') throw new UnsupportedMediaTypeError();
  const rows = rowsFromCsv(kind, readText(request));
  if (!rows.ok) {
    throw new ImportRejected(rows.problems.map((p) => ({ ...adminFieldError(p.field, p.code, request.language), section: kind, row: -1, line: p.line })));
  }
  return importDocument(deps, { [kind]: rows.rows }, request, rows.lines, 'text');
}

export function addLedgerRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'GET',
      '/ledger/customers',
      {
        summary: 'Customers of the built-in ledger with what each owes',
        tag: 'ledger',
        query: [
          { name: 'q', description: 'Part of an id, customer number, name or mobile' },
          { name: 'limit', description: '1–100, default 25', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { name: 'cursor', description: 'nextCursor of the previous page' },
        ],
        errors: [400],
      },
      async (request) => {
        const q = request.query.q;
        const cursor = request.query.cursor;
        return ok(
          await deps.ledger.directory.listCustomers({
            limit: queryInt(request, 'limit', 25, 1, 100),
            ...(cursor ? { cursor } : {}),
            ...(q ? { search: q } : {}),
          }),
        );
      },
    )
    .add(
      'GET',
      '/ledger/customers/:id',
      { summary: 'One customer with every billable item and the balance', tag: 'ledger', errors: [404] },
      async (_request, { id = '' }) => {
        const customer = await deps.ledger.directory.getCustomer(id);
        if (!customer) throw new NotFoundError('customer_not_found');
        return ok({ customer });
      },
    )
    .add('GET', '/ledger/money-accounts', { summary: 'Money accounts of the built-in ledger', tag: 'ledger' }, async () =>
      ok({ moneyAccounts: await deps.ledger.directory.moneyAccounts() }),
    )
    .add(
      'POST',
      '/ledger/import',
      {
        summary: 'Import a JSON import document (the infra/seed/demo.json shape); all or nothing',
        tag: 'ledger',
        body: { schema: 'ImportDocument' },
        query: [{ name: 'dryRun', description: '1 = validate only, write nothing' }],
        errors: [422],
      },
      async (request) => importDocument(deps, readJson(request), request),
    )
    .add(
      'POST',
      '/ledger/import/customers.csv',
      {
        summary: 'Import customers from CSV (columns id, customerNumber, name, phones separated by ";", mobile); all or nothing',
        tag: 'ledger',
        body: { mediaType: 'text/csv' },
        query: [{ name: 'dryRun', description: '1 = validate only, write nothing' }],
        errors: [422],
      },
      async (request) => importCsv(deps, 'customers', request),
    )
    .add(
      'POST',
      '/ledger/import/items.csv',
      {
        summary:
          'Import billable items from CSV (columns customerId, type, number, moneyAccount, status; any other column, e.g. FinalValue, is a field); all or nothing',
        tag: 'ledger',
        body: { mediaType: 'text/csv' },
        query: [{ name: 'dryRun', description: '1 = validate only, write nothing' }],
        errors: [422],
      },
      async (request) => importCsv(deps, 'items', request),
    );
}
