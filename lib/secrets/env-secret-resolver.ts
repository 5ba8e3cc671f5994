import { secretEnvName } from './secret-names';
import { SecretNotFoundError, type SecretResolver } from './secret-resolver';

/** Local development: lookup-source passwords from `CRM_SECRET_<NAME>` variables (collected once by app-config). */
export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async resolve(name: string): Promise<string> {
    const value = this.values[secretEnvName(name)];
    if (value === undefined) throw new SecretNotFoundError(`no environment variable ${secretEnvName(name)}`);
    return value;
  }
}

/** Local development: the product's own secrets by name, as app-config read them from their variables. */
export class NamedValueSecretResolver implements SecretResolver {
  constructor(private readonly values: Readonly<Record<string, string>>) {}

  async resolve(name: string): Promise<string> {
    const value = Object.prototype.hasOwnProperty.call(this.values, name) ? this.values[name] : undefined;
    if (value === undefined) throw new SecretNotFoundError(`no value for secret ${name}`);
    return value;
  }
}
