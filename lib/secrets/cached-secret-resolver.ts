/** Secret resolvers that wrap another one; no SDK here, so wiring them costs nothing at start. */
import { isCrmPasswordSecret } from './secret-names';
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
 * Reads only lookup-source passwords, `crm/<name>` with one safe segment: any other name
 * (`admin-api-key`, `crm/../admin-api-key`) is refused before the store is asked, so a lookup
 * source can never make the product send another secret; the deployed roles grant only that
 * path as well.
 */
export class CrmPasswordResolver implements SecretResolver {
  constructor(private readonly inner: SecretResolver) {}

  async resolve(name: string): Promise<string> {
    if (!isCrmPasswordSecret(name)) throw new SecretNotFoundError(`"${name.slice(0, 40)}" is not a lookup-source password (crm/<name>)`);
    return this.inner.resolve(name);
  }
}
