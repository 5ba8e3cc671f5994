/**
 * Modules and destinations: the operator's Add / Edit / Disable / Delete, validated by the
 * same schema as the flow (lib/config/module-schema.ts), plus the pickers' CRM lookups.
 * Every change is recorded in the audit trail before it is made.
 */
import {
  checkModuleReferences,
  parseDestination,
  parseModule,
  type Destination,
  type FieldError,
  type Language,
  type ModuleConfig,
  type ReferenceCurrencies,
} from '../../config/module-schema';
import type { CurrencyCode } from '../../domain/money';
import { adminFieldError } from '../admin-messages';
import { ConflictError, InvalidFieldsError, NotFoundError, UnavailableError } from '../admin-errors';
import type { Crm } from '../../crm/crm';
import type { AdminDeps } from '../admin-deps';
import type { AdminRequest, AdminRouter } from '../admin-router';
import { created, ok, readJson } from '../request-body';
import { audited } from '../../audit/audit-trail';

export function webhookUrl(deps: Pick<AdminDeps, 'publicBaseUrl'>, code: string): string {
  return `${deps.publicBaseUrl}/voice/${encodeURIComponent(code)}`;
}

function moduleView(deps: AdminDeps, module: ModuleConfig) {
  return { module, webhookUrl: webhookUrl(deps, module.code) };
}

/** Destinations of type `module` that hand calls to `code`. */
function destinationsInto(destinations: readonly Destination[], code: string): string[] {
  return destinations.filter((d) => d.type === 'module' && d.moduleCode === code).map((d) => d.code);
}

function modulesUsing(modules: readonly ModuleConfig[], code: string): string[] {
  return modules.filter((m) => m.nextDestination === code || m.errorDestination === code).map((m) => m.code);
}

/** The path names the record; a body may repeat the code but never change it. */
function withPathCode(body: unknown, code: string, language: Language): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (record.code !== undefined && record.code !== code) throw new InvalidFieldsError([adminFieldError('code', 'code_immutable', language)]);
  return { ...record, code };
}

async function validModule(deps: AdminDeps, body: unknown, language: Language): Promise<ModuleConfig> {
  const parsed = parseModule(body, language, { persianSynthesizer: deps.persianSynthesizer !== undefined });
  if (!parsed.ok) throw new InvalidFieldsError(parsed.errors);
  const [destinations, sources, currencies] = await Promise.all([deps.modules.listDestinations(), deps.lookupSourceNames(), referenceCurrencies(deps)]);
  const codes = new Set(destinations.map((d) => d.code));
  const errors: FieldError[] = checkModuleReferences(
    parsed.value,
    (code) => codes.has(code),
    language,
    (name) => sources.includes(name),
    currencies,
  );
  if (errors.length > 0) throw new InvalidFieldsError(errors);
  return parsed.value;
}

/** Currencies of stored lookup sources and ledger money accounts: a module's currency must match the one it uses. */
export async function referenceCurrencies(
  deps: AdminDeps,
): Promise<{ sources: Map<string, CurrencyCode>; accounts: Map<string, CurrencyCode> } & ReferenceCurrencies> {
  const [stored, accounts] = await Promise.all([deps.lookupSourceStore?.listSources() ?? Promise.resolve([]), deps.ledger.directory.moneyAccounts()]);
  const sourceMap = new Map(stored.map((s) => [s.name, s.currency ?? 'IRR'] as const));
  const accountMap = new Map(accounts.map((a) => [a.key, a.currency] as const));
  return { sources: sourceMap, accounts: accountMap, lookupSource: (name) => sourceMap.get(name), ledgerAccount: (key) => accountMap.get(key) };
}

async function validDestination(deps: AdminDeps, body: unknown, language: Language): Promise<Destination> {
  const parsed = parseDestination(body, language);
  if (!parsed.ok) throw new InvalidFieldsError(parsed.errors);
  const destination = parsed.value;
  if (destination.type === 'module' && !(await deps.modules.getModule(destination.moduleCode))) {
    throw new InvalidFieldsError([adminFieldError('moduleCode', 'unknown_module', language)]);
  }
  return destination;
}

async function existingModule(deps: AdminDeps, code: string): Promise<ModuleConfig> {
  const module = await deps.modules.getModule(code);
  if (!module) throw new NotFoundError('module_not_found');
  return module;
}

async function setEnabled(deps: AdminDeps, request: AdminRequest, code: string, enabled: boolean) {
  const before = await existingModule(deps, code);
  const module = { ...before, enabled };
  await audited(deps.audit, request.actor, { area: 'module', action: enabled ? 'enable' : 'disable', target: code, before, after: module }, async () => {
    if (!(await deps.modules.updateModule(module))) throw new NotFoundError('module_not_found');
  });
  return ok(moduleView(deps, module));
}

export function addConfigurationRoutes(router: AdminRouter, deps: AdminDeps): void {
  const lang = (request: AdminRequest) => request.language;

  router
    .add('GET', '/modules', { summary: 'List modules with their webhook URLs and destinations', tag: 'modules' }, async () => {
      const [modules, destinations] = await Promise.all([deps.modules.listModules(), deps.modules.listDestinations()]);
      const byCode = new Map(destinations.map((d) => [d.code, d]));
      return ok({
        modules: modules
          .sort((a, b) => a.code.localeCompare(b.code))
          .map((m) => ({
            ...moduleView(deps, m),
            nextDestination: byCode.get(m.nextDestination) ?? null,
            errorDestination: byCode.get(m.errorDestination) ?? null,
          })),
      });
    })
    .add(
      'POST',
      '/modules',
      {
        summary: 'Create a module (code must be new): a balance module, or a customer club with kind "club" (see ClubModule)',
        tag: 'modules',
        body: { schema: 'Module' },
        errors: [409, 422],
      },
      async (request) => {
        const module = await validModule(deps, readJson(request), lang(request));
        await audited(deps.audit, request.actor, { area: 'module', action: 'create', target: module.code, after: module }, async () => {
          if (!(await deps.modules.createModule(module))) throw new ConflictError('duplicate_code', [adminFieldError('code', 'duplicate_code', lang(request))]);
        });
        return created(moduleView(deps, module));
      },
    )
    .add('GET', '/modules/:code', { summary: 'One module', tag: 'modules', errors: [404] }, async (_request, { code = '' }) =>
      ok(moduleView(deps, await existingModule(deps, code))),
    )
    .add(
      'PUT',
      '/modules/:code',
      { summary: 'Replace a module (all fields; the code and kind stay)', tag: 'modules', body: { schema: 'Module' }, errors: [404, 422] },
      async (request, { code = '' }) => {
        const module = await validModule(deps, withPathCode(readJson(request), code, lang(request)), lang(request));
        const existing = await existingModule(deps, code);
        // A club saved as a balance module (or back) would lose its fields: the kind never changes.
        if (existing.kind !== module.kind) throw new InvalidFieldsError([adminFieldError('kind', 'code_immutable', lang(request))]);
        await audited(deps.audit, request.actor, { area: 'module', action: 'update', target: code, before: existing, after: module }, async () => {
          if (!(await deps.modules.updateModule(module))) throw new NotFoundError('module_not_found');
        });
        return ok(moduleView(deps, module));
      },
    )
    .add(
      'POST',
      '/modules/:code/disable',
      { summary: 'Disable a module: calls to it go nowhere near the flow', tag: 'modules', errors: [404] },
      async (request, { code = '' }) => setEnabled(deps, request, code, false),
    )
    .add('POST', '/modules/:code/enable', { summary: 'Enable a module', tag: 'modules', errors: [404] }, async (request, { code = '' }) =>
      setEnabled(deps, request, code, true),
    )
    .add(
      'DELETE',
      '/modules/:code',
      { summary: 'Delete a module (refused while a destination hands calls to it)', tag: 'modules', errors: [404, 409] },
      async (request, { code = '' }) => {
        const before = await existingModule(deps, code);
        const usedBy = destinationsInto(await deps.modules.listDestinations(), code);
        if (usedBy.length > 0) throw new ConflictError('module_in_use', [], { usedBy });
        await audited(deps.audit, request.actor, { area: 'module', action: 'delete', target: code, before }, () => deps.modules.deleteModule(code));
        return ok({ deleted: code });
      },
    )

    .add('GET', '/destinations', { summary: 'List destinations with the modules that use each', tag: 'destinations' }, async () => {
      const [modules, destinations] = await Promise.all([deps.modules.listModules(), deps.modules.listDestinations()]);
      return ok({
        destinations: destinations
          .sort((a, b) => a.code.localeCompare(b.code))
          .map((destination) => ({ destination, usedBy: modulesUsing(modules, destination.code) })),
      });
    })
    .add(
      'POST',
      '/destinations',
      { summary: 'Create a destination (code must be new)', tag: 'destinations', body: { schema: 'Destination' }, errors: [409, 422] },
      async (request) => {
        const destination = await validDestination(deps, readJson(request), lang(request));
        await audited(deps.audit, request.actor, { area: 'destination', action: 'create', target: destination.code, after: destination }, async () => {
          if (!(await deps.modules.createDestination(destination)))
            throw new ConflictError('duplicate_code', [adminFieldError('code', 'duplicate_code', lang(request))]);
        });
        return created({ destination, usedBy: [] });
      },
    )
    .add('GET', '/destinations/:code', { summary: 'One destination', tag: 'destinations', errors: [404] }, async (_r, { code = '' }) => {
      const destination = await deps.modules.getDestination(code);
      if (!destination) throw new NotFoundError('destination_not_found');
      return ok({ destination, usedBy: modulesUsing(await deps.modules.listModules(), code) });
    })
    .add(
      'PUT',
      '/destinations/:code',
      { summary: 'Replace a destination (the code stays)', tag: 'destinations', body: { schema: 'Destination' }, errors: [404, 422] },
      async (request, { code = '' }) => {
        const destination = await validDestination(deps, withPathCode(readJson(request), code, lang(request)), lang(request));
        const before = await deps.modules.getDestination(code);
        if (!before) throw new NotFoundError('destination_not_found');
        await audited(deps.audit, request.actor, { area: 'destination', action: 'update', target: code, before, after: destination }, async () => {
          if (!(await deps.modules.updateDestination(destination))) throw new NotFoundError('destination_not_found');
        });
        return ok({ destination, usedBy: modulesUsing(await deps.modules.listModules(), code) });
      },
    )
    .add(
      'DELETE',
      '/destinations/:code',
      { summary: 'Delete a destination (refused while a module points at it)', tag: 'destinations', errors: [404, 409] },
      async (request, { code = '' }) => {
        const before = await deps.modules.getDestination(code);
        if (!before) throw new NotFoundError('destination_not_found');
        const usedBy = modulesUsing(await deps.modules.listModules(), code);
        if (usedBy.length > 0) throw new ConflictError('destination_in_use', [], { usedBy });
        await audited(deps.audit, request.actor, { area: 'destination', action: 'delete', target: code, before }, () => deps.modules.deleteDestination(code));
        return ok({ deleted: code });
      },
    )

    .add(
      'GET',
      '/lookup-sources/:source/money-accounts',
      { summary: "Money accounts of a lookup source's CRM (financial account picker)", tag: 'crm', errors: [404, 503] },
      async (_r, { source = '' }) => ok({ moneyAccounts: await fromCrm(deps, source, (crm) => crm.moneyAccounts()) }),
    )
    .add(
      'GET',
      '/lookup-sources/:source/item-types',
      { summary: "Billable item types of a lookup source's CRM (invoice type picker)", tag: 'crm', errors: [404, 503] },
      async (_r, { source = '' }) => ok({ itemTypes: await fromCrm(deps, source, (crm) => crm.itemTypes()) }),
    );
}

async function fromCrm<T>(deps: AdminDeps, source: string, read: (crm: Crm) => Promise<T>): Promise<T> {
  const crm = await deps.crmFor(source);
  if (!crm) throw new NotFoundError('lookup_source_not_found');
  try {
    return await read(crm);
  } catch (error) {
    deps.logger.warn('CRM lookup for the admin panel failed', { source, error: error as Error });
    throw new UnavailableError('crm_failed', { cause: error });
  }
}
