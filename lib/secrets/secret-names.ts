/** Where a named secret is found, as pure functions (the panel shows operators these names). */

/** The CRM-password namespace: the only secrets a lookup source can make the product send anywhere. */
export const CRM_SECRET_NAMESPACE = 'crm/';

/**
 * The one secret holding a lookup source's password: `crm/<source name>`. Bound to the name,
 * never chosen by whoever edits the source, so an admin key cannot make a source send another
 * secret (deployed: SSM `/balance-ivr/<stage>/crm/<name>`, the only path the admin and webhook
 * roles may read for CRMs).
 */
export function crmPasswordSecret(sourceName: string): string {
  return `${CRM_SECRET_NAMESPACE}${sourceName}`;
}

const envSpelling = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/**
 * Environment variable holding a secret locally. CRM passwords keep their own prefix
 * (`crm/pg-main` → `CRM_SECRET_PG_MAIN`); any other secret gets another one
 * (`twilio-auth-token` → `SECRET_TWILIO_AUTH_TOKEN`), so no source name can reach it.
 */
export function secretEnvName(name: string): string {
  return name.startsWith(CRM_SECRET_NAMESPACE) ? `CRM_SECRET_${envSpelling(name.slice(CRM_SECRET_NAMESPACE.length))}` : `SECRET_${envSpelling(name)}`;
}

/** Two source names whose local variables would be the same (`acme-crm`, `ACME_CRM`) name the same password: only one may exist. */
export function sameLocalSecret(a: string, b: string): boolean {
  return envSpelling(a) === envSpelling(b);
}
