/** Where a named secret is found, as pure functions (the panel shows operators these names). */

/**
 * The product's own secrets. Deployed, each is an SSM SecureString `/balance-ivr/<stage>/<name>`
 * (`npm run secret -- set <name>`); a function reads only the names its SECRET_NAMES lists, and
 * its role may read no others (infra/function-access.js). Locally each comes from its
 * environment variable, with a documented development default where one makes sense.
 * A new secret is one line here (and, for the functions that read it, one in infra/function-access.js).
 */
export const PRODUCT_SECRETS = {
  'twilio-auth-token': { env: 'TWILIO_AUTH_TOKEN' },
  'twilio-api-key-secret': { env: 'TWILIO_API_KEY_SECRET' },
  'payment-link-secret': { env: 'PAYMENT_LINK_SECRET' },
  // A deployed panel is on the internet: a short key is guessable.
  'admin-api-key': { env: 'ADMIN_API_KEY', minLength: 16 },
  // The next admin key during a rotation (optional: absent outside a rotation).
  'admin-api-key-next': { env: 'ADMIN_API_KEY_NEXT', minLength: 16 },
  // Azure AI Speech (Persian neural voice), when PERSIAN_TTS=azure.
  'azure-speech-key': { env: 'AZURE_SPEECH_KEY' },
  // Payment providers (PAYMENT_PROVIDER=stripe / zarinpal), read by the pay function only.
  'stripe-secret-key': { env: 'STRIPE_SECRET_KEY' },
  'stripe-webhook-secret': { env: 'STRIPE_WEBHOOK_SECRET' },
  'zarinpal-merchant-id': { env: 'ZARINPAL_MERCHANT_ID' },
} as const satisfies Record<string, { readonly env: string; readonly minLength?: number }>;

export type ProductSecretName = keyof typeof PRODUCT_SECRETS;

export function isProductSecretName(name: string): name is ProductSecretName {
  return Object.prototype.hasOwnProperty.call(PRODUCT_SECRETS, name);
}

/** The CRM-password namespace: the only secrets a lookup source can make the product send anywhere. */
export const CRM_SECRET_NAMESPACE = 'crm/';

/** A lookup source's name as it appears in its secret: one path segment, no traversal. */
export const CRM_SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * The one secret holding a lookup source's password: `crm/<source name>`. Bound to the name,
 * never chosen by whoever edits the source, so an admin key cannot make a source send another
 * secret (deployed: SSM `/balance-ivr/<stage>/crm/<name>`, the only path the admin and webhook
 * roles may read for CRMs).
 */
export function crmPasswordSecret(sourceName: string): string {
  return `${CRM_SECRET_NAMESPACE}${sourceName}`;
}

/** True for `crm/<one safe segment>`: the only names the CRM-password resolver reads. */
export function isCrmPasswordSecret(name: string): boolean {
  if (!name.startsWith(CRM_SECRET_NAMESPACE)) return false;
  const source = name.slice(CRM_SECRET_NAMESPACE.length);
  return CRM_SECRET_NAME.test(source) && !source.includes('..');
}

const envSpelling = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/**
 * Environment variable holding a lookup-source password locally (`crm/pg-main` →
 * `CRM_SECRET_PG_MAIN`). Any other name gets another prefix (`twilio-auth-token` →
 * `SECRET_TWILIO_AUTH_TOKEN`) that app-config never collects, so no source name can reach a
 * product secret. (The product's own secrets are read from their own variables: PRODUCT_SECRETS.)
 */
export function secretEnvName(name: string): string {
  return name.startsWith(CRM_SECRET_NAMESPACE) ? `CRM_SECRET_${envSpelling(name.slice(CRM_SECRET_NAMESPACE.length))}` : `SECRET_${envSpelling(name)}`;
}

/** Two source names whose local variables would be the same (`acme-crm`, `ACME_CRM`) name the same password: only one may exist. */
export function sameLocalSecret(a: string, b: string): boolean {
  return envSpelling(a) === envSpelling(b);
}
