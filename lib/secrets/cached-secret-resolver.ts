/** Secret resolvers that wrap another one; no SDK here, so wiring them costs nothing at start. */
import { CRM_SECRET_NAME } from './secret-names';
import { SecretNotFoundError, type SecretResolver } from './secret-resolver';

/** Keeps resolved secrets for the container's life (bounded by `ttlMs`), so a warm call costs no SSM read. */
export class CachedSecretResolver implements SecretResolver {
  private readonly cache = new Map<string, { value: Promise<string>; expires: number }>();

  constructor(
    private readonly inner: SecretResolver,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  resolve(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit && hit.expires > this.clock()) return hit.value;
    const value = this.inner.resolve(name);
    this.cache.set(name, { value, expires: this.clock() + this.ttlMs });
    // A failed read is not kept: the next call tries again.
    value.catch(() => this.cache.delete(name));
    return value;
  }
}

/**
 * Loads its resolver (and that resolver's SDK client) on the first lookup: a container that
 * only serves the built-in ledger never needs CRM passwords, so it never loads the SSM client.
 */
export class DeferredSecretResolver implements SecretResolver {
  private inner: Promise<SecretResolver> | undefined;

  constructor(private readonly load: () => Promise<SecretResolver>) {}

  async resolve(name: string): Promise<string> {
    // A failed load is not kept: the next lookup tries again.
    this.inner ??= this.load().catch((error: unknown) => {
      this.inner = undefined;
      throw error;
    });
    return (await this.inner).resolve(name);
  }
}

/**
 * Secrets under one path of another resolver (CRM passwords: `crm/<name>`). The name must be a
 * single path segment, so a lookup source cannot name a secret outside its path
 * (`../admin-api-key`); the deployed roles grant only that path as well.
 */
export class PathSecretResolver implements SecretResolver {
  constructor(
    private readonly inner: SecretResolver,
    private readonly path: string,
  ) {}

  async resolve(name: string): Promise<string> {
    if (!CRM_SECRET_NAME.test(name) || name.includes('..')) throw new SecretNotFoundError(`"${name.slice(0, 40)}" is not a valid secret name`);
    return this.inner.resolve(`${this.path}${name}`);
  }
}
