/** Where a named secret is found, as pure functions (the panel shows operators these names). */

/** Environment variable holding a secret locally: `pg-main` → `CRM_SECRET_PG_MAIN`. */
export function secretEnvName(name: string): string {
  return `CRM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
