import { SecretNotFoundError, type SecretResolver } from '../ports';

/** Environment variable holding a secret locally: `pg-main` → `CRM_SECRET_PG_MAIN`. */
export function secretEnvName(name: string): string {
  return `CRM_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Local development: secrets from `CRM_SECRET_<NAME>` variables (collected once by app-config). */
export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async resolve(name: string): Promise<string> {
    const value = this.values[secretEnvName(name)];
    if (value === undefined) throw new SecretNotFoundError(`no environment variable ${secretEnvName(name)}`);
    return value;
  }
}
