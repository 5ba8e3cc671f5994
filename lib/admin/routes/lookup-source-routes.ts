/**
 * Lookup sources (AloVoIP's "search resources"): the CRMs modules take their data from.
 * A source's password is always its own secret `crm/<name>`; a password is never accepted,
 * stored or returned, and no source can name another secret. Hosts must pass the stage's
 * host policy (https, no credentials, no private or metadata address). A source a module uses
 * cannot be deleted; the built-in ledger cannot change. Every change is in the audit trail.
 */
import { BUILT_IN_SOURCES, parseLookupSource, type LookupSource } from '../../config/lookup-source-schema';
import { sourceUsesPassword } from '../../config/lookup-source-rules';
import type { FieldError, Language } from '../../config/module-schema';
import { hostRefusal, type CrmHostPolicy, type HostRefusal } from '../../domain/crm-host-policy';
import { crmPasswordSecret, sameLocalSecret, secretEnvName } from '../../secrets/secret-names';
import { audited } from '../../audit/audit-trail';
import { adminFieldError, adminMessage } from '../admin-messages';
import { ConflictError, InvalidFieldsError, NotFoundError, UnavailableError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRouter } from '../admin-router';
import { created, ok, readJson } from '../request-body';

/** Fields that would carry a secret's value: refused with a message saying where it belongs. */
const PASSWORD_FIELDS = ['password', 'secret', 'passwordValue'];

const isBuiltIn = (name: string) => (BUILT_IN_SOURCES as readonly string[]).includes(name);

/** Where the operator puts the password of a source: an env variable locally, an SSM parameter deployed. */
export function secretLocation(deps: Pick<AdminDeps, 'secretsFrom'>, sourceName: string): string {
  const from = deps.secretsFrom ?? { kind: 'env' as const };
  const secret = crmPasswordSecret(sourceName);
  return from.kind === 'ssm' ? `${from.ssmPrefix}${secret}` : secretEnvName(secret);
}

export interface LookupSourceView {
  readonly name: string;
  readonly builtIn: boolean;
  readonly source?: LookupSource;
  /** Where this source's password must be put (only for sources that send one). */
  readonly secret?: { readonly name: string; readonly from: 'env' | 'ssm'; readonly location: string };
  readonly usedBy: string[];
  /** Said with a change the operator must know about (the password going to a new host). */
  readonly warnings?: { readonly code: string; readonly message: string }[];
}

function view(
  deps: AdminDeps,
  name: string,
  source: LookupSource | undefined,
  usedBy: string[],
  warnings: { code: string; message: string }[] = [],
): LookupSourceView {
  return {
    name,
    builtIn: source === undefined,
    ...(source ? { source } : {}),
    ...(source && sourceUsesPassword(source)
      ? { secret: { name: crmPasswordSecret(name), from: deps.secretsFrom?.kind ?? 'env', location: secretLocation(deps, name) } }
      : {}),
    usedBy,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

const HOST_CODES: Record<HostRefusal, string> = {
  'url-credentials': 'source_host_credentials',
  'insecure-scheme': 'source_host_https',
  'address-not-allowed': 'source_host_address',
  'bad-url': 'source_host',
};

/** The stage's host rules for a source about to be stored (the connection checks them again after DNS). */
export function hostErrors(source: LookupSource, policy: CrmHostPolicy, language: Language, field = 'host'): FieldError[] {
  const refusal = hostRefusal(source.host, policy);
  return refusal ? [adminFieldError(field, HOST_CODES[refusal], language)] : [];
}

/** A password goes wherever the host points: moving the host is said out loud, and audited. */
export function hostChangeWarnings(before: LookupSource | undefined, after: LookupSource, language: Language): { code: string; message: string }[] {
  if (!before || before.host === after.host || !sourceUsesPassword(after)) return [];
  return [{ code: 'password_sent_to_new_host', message: adminMessage('password_sent_to_new_host', language) }];
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

function validSource(deps: AdminDeps, body: unknown, language: Language, pathName?: string): LookupSource {
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
  const errors = hostErrors(parsed.value, deps.crmHostPolicy, language);
  if (errors.length > 0) throw new InvalidFieldsError(errors);
  return parsed.value;
}

export function addLookupSourceRoutes(router: AdminRouter, deps: AdminDeps): void {
  router
    .add(
      'GET',
      '/lookup-sources',
      {
        summary:
          'Lookup sources: `sources` lists every name a module may use; `lookupSources` has each definition (secret names only) and the modules using it',
        tag: 'crm',
      },
      async () => {
        const [names, stored, modules] = await Promise.all([
          deps.lookupSourceNames(),
          deps.lookupSourceStore?.listSources() ?? Promise.resolve([]),
          deps.modules.listModules(),
        ]);
        const byName = new Map(stored.map((s) => [s.name, s]));
        const usedBy = (name: string) =>
          modules
            .filter((m) => m.lookupSource === name)
            .map((m) => m.code)
            .sort();
        return ok({ sources: names, lookupSources: names.map((name) => view(deps, name, byName.get(name), usedBy(name))) });
      },
    )
    .add(
      'POST',
      '/lookup-sources',
      {
        summary: 'Create a lookup source (Payamgostar or AloVoIP-compatible HTTP); its password is the secret crm/<name>',
        tag: 'crm',
        body: { schema: 'LookupSource' },
        errors: [409, 422, 503],
      },
      async (request) => {
        const source = validSource(deps, readJson(request), request.language);
        const clash = (await store(deps).listSources()).find((other) => other.name !== source.name && sameLocalSecret(other.name, source.name));
        if (clash) throw new ConflictError('source_name_clash', [adminFieldError('name', 'source_name_clash', request.language)], { clashesWith: clash.name });
        await audited(deps.audit, request.actor, { area: 'lookup-source', action: 'create', target: source.name, after: source }, async () => {
          if (!(await store(deps).createSource(source)))
            throw new ConflictError('duplicate_code', [adminFieldError('name', 'duplicate_source', request.language)]);
        });
        return created(view(deps, source.name, source, []));
      },
    )
    .add(
      'GET',
      '/lookup-sources/:source',
      { summary: 'One lookup source with the modules using it', tag: 'crm', errors: [404] },
      async (_request, { source: name = '' }) => {
        if (isBuiltIn(name)) return ok(view(deps, name, undefined, await modulesUsing(deps, name)));
        const source = await deps.lookupSourceStore?.getSource(name);
        if (!source) throw new NotFoundError('lookup_source_not_found');
        return ok(view(deps, name, source, await modulesUsing(deps, name)));
      },
    )
    .add(
      'PUT',
      '/lookup-sources/:source',
      {
        summary: 'Replace a lookup source (the name stays; the built-in ledger cannot change)',
        tag: 'crm',
        body: { schema: 'LookupSource' },
        errors: [404, 409, 422, 503],
      },
      async (request, { source: name = '' }) => {
        if (isBuiltIn(name)) throw new ConflictError('source_built_in');
        const source = validSource(deps, readJson(request), request.language, name);
        const before = await store(deps).getSource(name);
        if (!before) throw new NotFoundError('lookup_source_not_found');
        // Modules keep the currency they announce: a source cannot switch currency under them.
        const mismatched = (await deps.modules.listModules()).filter(
          (m) => m.lookupSource === name && m.kind === 'balance' && m.currency.code !== source.currency,
        );
        if (mismatched.length > 0)
          throw new InvalidFieldsError([adminFieldError('currency', 'source_currency_in_use', request.language)], {
            usedBy: mismatched.map((m) => m.code).sort(),
          });
        const warnings = hostChangeWarnings(before, source, request.language);
        await audited(
          deps.audit,
          request.actor,
          { area: 'lookup-source', action: 'update', target: name, before, after: source, warnings: warnings.map((w) => w.code) },
          async () => {
            if (!(await store(deps).updateSource(source))) throw new NotFoundError('lookup_source_not_found');
          },
        );
        if (warnings.length > 0) deps.logger.warn('lookup source host changed; its password goes to the new host', { lookupSource: name });
        return ok(view(deps, name, source, await modulesUsing(deps, name), warnings));
      },
    )
    .add(
      'DELETE',
      '/lookup-sources/:source',
      { summary: 'Delete a lookup source (refused while a module uses it)', tag: 'crm', errors: [404, 409, 503] },
      async (request, { source: name = '' }) => {
        if (isBuiltIn(name)) throw new ConflictError('source_built_in');
        const before = await store(deps).getSource(name);
        if (!before) throw new NotFoundError('lookup_source_not_found');
        const usedBy = await modulesUsing(deps, name);
        if (usedBy.length > 0) throw new ConflictError('source_in_use', [], { usedBy });
        await audited(deps.audit, request.actor, { area: 'lookup-source', action: 'delete', target: name, before }, () => store(deps).deleteSource(name));
        return ok({ deleted: name });
      },
    )
    .add(
      'POST',
      '/lookup-sources/:source/test',
      {
        summary: 'Test the connection: one harmless lookup (money accounts) within the CRM time budget; answers ok or the failure reason',
        tag: 'crm',
        errors: [404, 503],
      },
      async (request, { source: name = '' }) => {
        if (!isBuiltIn(name) && !(await deps.lookupSourceStore?.getSource(name))) throw new NotFoundError('lookup_source_not_found');
        if (!deps.testLookupSource) throw new UnavailableError('sources_unavailable');
        const result = await deps.testLookupSource(name);
        if (!result.ok) deps.logger.warn('Lookup source connection test failed', { lookupSource: name, reason: result.reason });
        const message = connectionMessage(result, request.language);
        // A missing password says where this source's password must be put.
        return ok({ ...result, message: !result.ok && result.reason === 'secret-missing' ? `${message} ${secretLocation(deps, name)}` : message });
      },
    );
}

const REASONS: Record<Language, Record<string, string>> = {
  en: {
    timeout: 'The CRM did not answer within the time budget.',
    network: 'The CRM could not be reached (address, port or network).',
    'secret-missing': "This source's password is not configured on this installation; put it in:",
    'address-refused':
      'The host is not allowed on this installation (http, credentials in the address, or a loopback, private, link-local or metadata address); nothing was sent.',
    'secret-unavailable': 'The secret store could not be read.',
    'soap-fault': 'The CRM answered with a SOAP fault (check the username and password).',
    unsuccessful: 'The CRM refused the request (check the username and password).',
    'bad-response': 'The CRM answered in a shape this product does not understand.',
  },
  fa: {
    timeout: 'CRM در زمان مجاز پاسخ نداد.',
    network: 'دسترسی به CRM ممکن نشد (نشانی، پورت یا شبکه را بررسی کنید).',
    'secret-missing': 'گذرواژهٔ این منبع در این نصب تنظیم نشده است؛ آن را این‌جا بگذارید:',
    'address-refused': 'این میزبان در این نصب مجاز نیست (http، نام کاربری در نشانی، یا نشانی محلی، خصوصی، link-local یا metadata)؛ چیزی فرستاده نشد.',
    'secret-unavailable': 'خواندن انبار رمزها ممکن نشد.',
    'soap-fault': 'CRM با خطای SOAP پاسخ داد (نام کاربری و گذرواژه را بررسی کنید).',
    unsuccessful: 'CRM درخواست را رد کرد (نام کاربری و گذرواژه را بررسی کنید).',
    'bad-response': 'پاسخ CRM قالبی دارد که این محصول نمی‌شناسد.',
  },
};

const persianDigits = (n: number | string) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)] ?? d);

/** The operator's sentence for a test result; HTTP statuses (`http-401`) read as such. */
function connectionMessage(result: { ok: boolean; reason?: string; moneyAccounts?: number }, language: Language): string {
  if (result.ok)
    return language === 'fa'
      ? `اتصال برقرار است (${persianDigits(result.moneyAccounts ?? 0)} حساب مالی).`
      : `Connected (${result.moneyAccounts ?? 0} money accounts).`;
  const reason = result.reason ?? 'error';
  const known = REASONS[language][reason];
  if (known) return known;
  const status = /^http-(\d{3})$/.exec(reason)?.[1];
  if (status) return language === 'fa' ? `CRM با وضعیت HTTP ‏${persianDigits(status)} پاسخ داد.` : `The CRM answered with HTTP status ${status}.`;
  return language === 'fa' ? `اتصال ناموفق بود (${reason}).` : `The connection failed (${reason}).`;
}
