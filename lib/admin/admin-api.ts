/** The admin API: every route, built once from its dependencies. Transport lives in lib/http/admin-request.ts. */
import { CURRENCIES_FOR_PANEL, IRR_UNITS_FOR_PANEL, PANEL_LIMITS } from './panel-meta';
import { CLUB_PROMPTS, IDENTIFICATION_METHODS, INVOICE_TYPES, LANGUAGES, PERSIAN_VOICES, PROMPT_KEYS, type ClubPromptName } from '../config/module-schema';
import { PROMPT_CATALOGUE } from '../speech/prompt-catalogue';
import type { AdminDeps } from './admin-deps';
import { AdminRouter, type AdminRequest, type AdminResponse } from './admin-router';
import { openApiDocument } from './openapi';
import { ok } from './request-body';
import { addCallLogRoutes, CALL_OUTCOMES } from './routes/call-log-routes';
import { addAuditRoutes, AUDIT_ACTIONS } from './routes/audit-routes';
import { AUDIT_AREAS } from '../audit/audit-trail';
import { addConfigurationRoutes } from './routes/configuration-routes';
import { addLedgerRoutes } from './routes/ledger-routes';
import { addImportJobRoutes } from './routes/import-job-routes';
import { addLookupSourceRoutes } from './routes/lookup-source-routes';
import { addPromptRoutes } from './routes/prompt-routes';
import { addPaymentRoutes } from './routes/payment-routes';
import { PAYMENT_STATUSES } from '../payments/payment-records';

export interface AdminApi {
  handle(request: AdminRequest): Promise<AdminResponse>;
}

export function createAdminApi(deps: AdminDeps): AdminApi {
  const router = new AdminRouter();
  router.add('GET', '/meta', { summary: 'What the panel needs to draw its forms: choices, limits, default prompt texts, features', tag: 'meta' }, async () =>
    ok({
      languages: LANGUAGES,
      invoiceTypes: INVOICE_TYPES,
      // ISO codes a module, a lookup source or a money account can use; IRR is announced in rials or tomans.
      currencies: CURRENCIES_FOR_PANEL,
      currencyUnits: IRR_UNITS_FOR_PANEL,
      ledgerCurrency: deps.ledger.currency ?? 'IRR',
      outcomes: CALL_OUTCOMES,
      auditAreas: AUDIT_AREAS,
      auditActions: AUDIT_ACTIONS,
      paymentStatuses: PAYMENT_STATUSES,
      limits: PANEL_LIMITS,
      // The balance form's prompts (the club's have their own names).
      prompts: PROMPT_KEYS.filter((key) => !(Object.values(CLUB_PROMPTS) as string[]).includes(key)).map((key) => ({
        key,
        defaults: { fa: PROMPT_CATALOGUE.fa[key], en: PROMPT_CATALOGUE.en[key] },
      })),
      // The club form's prompts: its own names, each overriding a catalogue prompt (previews use the catalogue key).
      clubPrompts: (Object.entries(CLUB_PROMPTS) as [ClubPromptName, (typeof CLUB_PROMPTS)[ClubPromptName]][]).map(([name, key]) => ({
        name,
        key,
        defaults: { fa: PROMPT_CATALOGUE.fa[key], en: PROMPT_CATALOGUE.en[key] },
      })),
      identificationMethods: IDENTIFICATION_METHODS,
      lookupSources: await deps.lookupSourceNames(),
      publicBaseUrl: deps.publicBaseUrl,
      audioBaseUrl: deps.audioBaseUrl,
      features: {
        recordings: deps.recordings !== undefined,
        outbox: deps.outbox !== undefined,
        persianVoice: deps.persianSynthesizer ?? null,
        payments: deps.payments !== undefined,
        bulkImport: deps.imports !== undefined,
      },
      persianVoices: PERSIAN_VOICES,
    }),
  );
  addConfigurationRoutes(router, deps);
  addLookupSourceRoutes(router, deps);
  addPromptRoutes(router, deps);
  addLedgerRoutes(router, deps);
  addImportJobRoutes(router, deps);
  addCallLogRoutes(router, deps);
  addAuditRoutes(router, deps);
  addPaymentRoutes(router, deps);
  // Built on first use, from the finished route table (this route included).
  let openApi: Record<string, unknown> | undefined;
  router.add('GET', '/openapi.json', { summary: 'This document', tag: 'meta' }, async () => ok((openApi ??= openApiDocument(router, deps.publicBaseUrl))));
  return { handle: (request) => router.handle(request) };
}
