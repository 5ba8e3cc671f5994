import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { SecretNotFoundError, type SecretResolver } from './secret-resolver';

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

/** The resolver with its own client; the composition loads this module on the first password read. */
export function createSsmSecretResolver(options: { readonly region: string; readonly prefix: string }): SsmSecretResolver {
  return new SsmSecretResolver(new SSMClient({ region: options.region }), options.prefix);
}
