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
} as const satisfies Record<string, { readonly env: string; readonly minLength?: number }>;

export type ProductSecretName = keyof typeof PRODUCT_SECRETS;

export function isProductSecretName(name: string): name is ProductSecretName {
  return Object.prototype.hasOwnProperty.call(PRODUCT_SECRETS, name);
}

/** Lookup-source (CRM) passwords live apart from the product's secrets, under `crm/<name>`. */
export const CRM_SECRET_PATH = 'crm/';

/** A CRM secret's name: one path segment, no traversal (the schema of lookup sources says the same). */
export const CRM_SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Environment variable holding a secret locally: `pg-main` → `CRM_SECRET_PG_MAIN`. */
export function secretEnvName(name: string): string {
  return `CRM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
