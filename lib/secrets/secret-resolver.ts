/** Port: reading secrets by name (adapters: env, SSM, and a caching decorator). */

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

/** Reads a secret by name (a CRM password). Values are never logged or returned by any API. */
export interface SecretResolver {
  /** Throws SecretNotFoundError when no secret has this name. */
  resolve(name: string): Promise<string>;
}
