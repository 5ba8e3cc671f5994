/**
 * Lookup sources (AloVoIP's "search resources"): the CRMs modules take their data from.
 * Definitions name their password's secret; a password is never accepted, stored or
 * returned. A source a module uses cannot be deleted; the built-in ledger cannot change.
 */
import { BUILT_IN_SOURCES, parseLookupSource, type LookupSource } from '../../config/lookup-source-schema';
import type { Language } from '../../config/module-schema';
import { secretEnvName } from '../../secrets/secret-names';
import { adminFieldError } from '../admin-messages';
import { ConflictError, InvalidFieldsError, NotFoundError, UnavailableError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRouter } from '../admin-router';
import { created, ok, readJson } from '../request-body';

/** Fields that would carry a secret's value: refused with a message saying where it belongs. */
const PASSWORD_FIELDS = ['password', 'secret', 'passwordValue'];

const isBuiltIn = (name: string) => (BUILT_IN_SOURCES as readonly string[]).includes(name);

/** Where the operator puts the password of a source: an env variable locally, an SSM parameter deployed. */
export function secretLocation(deps: Pick<AdminDeps, 'secretsFrom'>, secretName: string): string {
  const from = deps.secretsFrom ?? { kind: 'env' as const };
  return from.kind === 'ssm' ? `${from.ssmPrefix}${secretName}` : secretEnvName(secretName);
}

export interface LookupSourceView {
  readonly name: string;
  readonly builtIn: boolean;
  readonly source?: LookupSource;
  readonly secret?: { readonly name: string; readonly from: 'env' | 'ssm'; readonly location: string };
  readonly usedBy: string[];
}

function view(deps: AdminDeps, name: string, source: LookupSource | undefined, usedBy: string[]): LookupSourceView {
  return {
    name,
    builtIn: source === undefined,
    ...(source ? { source } : {}),
    ...(source?.passwordSecret ? { secret: { name: source.passwordSecret, from: deps.secretsFrom?.kind ?? 'env', location: secretLocation(deps, source.passwordSecret) } } : {}),
    usedBy,
  };
}

async function modulesUsing(deps: AdminDeps, name: string): Promise<string[]> {
  return (await deps.modules.listModules())
    .filter((m) => m.lookupSource === name)
    .map((m) => m.code)
    .sort();
}

function store(deps: AdminDeps) {
  if (!deps.lookupSourceStore) throw new UnavailableError('sources_unavailable');
  return deps.lookupSourceStore;
}

function validSource(body: unknown, language: Language, pathName?: string): LookupSource {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const carried = PASSWORD_FIELDS.filter((field) => record[field] !== undefined);
    if (carried.length > 0) throw new InvalidFieldsError(carried.map((field) => adminFieldError(field, 'password_not_stored', language)));
    if (pathName !== undefined) {
      if (record.name !== undefined && record.name !== pathName) throw new InvalidFieldsError([adminFieldError('name', 'code_immutable', language)]);
      body = { ...record, name: pathName };
    }
  }
  const parsed = parseLookupSource(body, language);
  if (!parsed.ok) throw new InvalidFieldsError(parsed.errors);
  return parsed.value;
}

export function addLookupSourceRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'GET',
      '/lookup-sources',
      { summary: 'Lookup sources: `sources` lists every name a module may use; `lookupSources` has each definition (secret names only) and the modules using it', tag: 'crm' },
      async () => {
        const [names, stored, modules] = await Promise.all([deps.lookupSourceNames(), deps.lookupSourceStore?.listSources() ?? Promise.resolve([]), deps.modules.listModules()]);
        const byName = new Map(stored.map((s) => [s.name, s]));
        const usedBy = (name: string) => modules.filter((m) => m.lookupSource === name).map((m) => m.code).sort();
        return ok({ sources: names, lookupSources: names.map((name) => view(deps, name, byName.get(name), usedBy(name))) });
      },
    )
    .add('POST', '/lookup-sources', { summary: 'Create a lookup source (Payamgostar or AloVoIP-compatible HTTP); its password stays in the named secret', tag: 'crm', body: { schema: 'LookupSource' }, errors: [409, 422, 503] }, async (request) => {
      const source = validSource(readJson(request), request.language);
      if (!(await store(deps).createSource(source))) throw new ConflictError('duplicate_code', [adminFieldError('name', 'duplicate_source', request.language)]);
      return created(view(deps, source.name, source, []));
    })
    .add('GET', '/lookup-sources/:source', { summary: 'One lookup source with the modules using it', tag: 'crm', errors: [404] }, async (_request, { source: name = '' }) => {
      if (isBuiltIn(name)) return ok(view(deps, name, undefined, await modulesUsing(deps, name)));
      const source = await deps.lookupSourceStore?.getSource(name);
      if (!source) throw new NotFoundError('lookup_source_not_found');
      return ok(view(deps, name, source, await modulesUsing(deps, name)));
    })
    .add('PUT', '/lookup-sources/:source', { summary: 'Replace a lookup source (the name stays; the built-in ledger cannot change)', tag: 'crm', body: { schema: 'LookupSource' }, errors: [404, 409, 422, 503] }, async (request, { source: name = '' }) => {
      if (isBuiltIn(name)) throw new ConflictError('source_built_in');
      const source = validSource(readJson(request), request.language, name);
      // Modules keep the currency they announce: a source cannot switch currency under them.
      const mismatched = (await deps.modules.listModules()).filter((m) => m.lookupSource === name && m.kind === 'balance' && m.currency.code !== source.currency);
      if (mismatched.length > 0) throw new InvalidFieldsError([adminFieldError('currency', 'source_currency_in_use', request.language)], { usedBy: mismatched.map((m) => m.code).sort() });
      if (!(await store(deps).updateSource(source))) throw new NotFoundError('lookup_source_not_found');
      return ok(view(deps, name, source, await modulesUsing(deps, name)));
    })
    .add('DELETE', '/lookup-sources/:source', { summary: 'Delete a lookup source (refused while a module uses it)', tag: 'crm', errors: [404, 409, 503] }, async (_request, { source: name = '' }) => {
      if (isBuiltIn(name)) throw new ConflictError('source_built_in');
      if (!(await store(deps).getSource(name))) throw new NotFoundError('lookup_source_not_found');
      const usedBy = await modulesUsing(deps, name);
      if (usedBy.length > 0) throw new ConflictError('source_in_use', [], { usedBy });
      await store(deps).deleteSource(name);
      return ok({ deleted: name });
    })
    .add(
      'POST',
      '/lookup-sources/:source/test',
      { summary: 'Test the connection: one harmless lookup (money accounts) within the CRM time budget; answers ok or the failure reason', tag: 'crm', errors: [404, 503] },
      async (request, { source: name = '' }) => {
        if (!isBuiltIn(name) && !(await deps.lookupSourceStore?.getSource(name))) throw new NotFoundError('lookup_source_not_found');
        if (!deps.testLookupSource) throw new UnavailableError('sources_unavailable');
        const result = await deps.testLookupSource(name);
        if (!result.ok) deps.logger.warn('Lookup source connection test failed', { lookupSource: name, reason: result.reason });
        return ok({ ...result, message: connectionMessage(result, request.language) });
      },
    );
}

const REASONS: Record<Language, Record<string, string>> = {
  en: {
    timeout: 'The CRM did not answer within the time budget.',
    network: 'The CRM could not be reached (address, port or network).',
    'secret-missing': 'The named secret is not configured on this installation.',
    'secret-unavailable': 'The secret store could not be read.',
    'soap-fault': 'The CRM answered with a SOAP fault (check the username and password).',
    unsuccessful: 'The CRM refused the request (check the username and password).',
    'bad-response': 'The CRM answered in a shape this product does not understand.',
  },
  fa: {
    timeout: 'CRM در زمان مجاز پاسخ نداد.',
    network: 'دسترسی به CRM ممکن نشد (نشانی، پورت یا شبکه را بررسی کنید).',
    'secret-missing': 'رمز نام‌برده در این نصب تنظیم نشده است.',
    'secret-unavailable': 'خواندن انبار رمزها ممکن نشد.',
    'soap-fault': 'CRM با خطای SOAP پاسخ داد (نام کاربری و گذرواژه را بررسی کنید).',
    unsuccessful: 'CRM درخواست را رد کرد (نام کاربری و گذرواژه را بررسی کنید).',
    'bad-response': 'پاسخ CRM قالبی دارد که این محصول نمی‌شناسد.',
  },
};

const persianDigits = (n: number | string) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)] ?? d);

/** The operator's sentence for a test result; HTTP statuses (`http-401`) read as such. */
function connectionMessage(result: { ok: boolean; reason?: string; moneyAccounts?: number }, language: Language): string {
  if (result.ok) return language === 'fa' ? `اتصال برقرار است (${persianDigits(result.moneyAccounts ?? 0)} حساب مالی).` : `Connected (${result.moneyAccounts ?? 0} money accounts).`;
  const reason = result.reason ?? 'error';
  const known = REASONS[language][reason];
  if (known) return known;
  const status = /^http-(\d{3})$/.exec(reason)?.[1];
  if (status) return language === 'fa' ? `CRM با وضعیت HTTP ‏${persianDigits(status)} پاسخ داد.` : `The CRM answered with HTTP status ${status}.`;
  return language === 'fa' ? `اتصال ناموفق بود (${reason}).` : `The connection failed (${reason}).`;
}
