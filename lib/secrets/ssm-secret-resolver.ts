import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { SecretNotFoundError, type SecretResolver } from '../ports';

/**
 * Deployed: secrets are SSM Parameter Store SecureStrings named `<prefix><name>`
 * (prefix `/balance-ivr/<stage>/`, the only path the Lambda role may read), decrypted on read.
 */
export class SsmSecretResolver implements SecretResolver {
  constructor(
    private readonly client: SSMClient,
    private readonly prefix: string,
  ) {}

  async resolve(name: string): Promise<string> {
    const parameter = `${this.prefix}${name}`;
    try {
      const { Parameter } = await this.client.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      if (Parameter?.Value === undefined) throw new SecretNotFoundError(`parameter ${parameter} has no value`);
      return Parameter.Value;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') throw new SecretNotFoundError(`no parameter ${parameter}`);
      throw error;
    }
  }
}

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
