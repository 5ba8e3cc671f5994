import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { setUpSdkClient } from '../aws/sdk-client-setup';
import { SecretNotFoundError, type SecretResolver } from './secret-resolver';

/**
 * Deployed: secrets are SSM Parameter Store SecureStrings named `<prefix><name>`
 * (prefix `/balance-ivr/<stage>/`; each role may read only its own names), decrypted on read.
 * A blank value is no value: it is reported missing, never used as an empty password.
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
      if (Parameter?.Value === undefined || Parameter.Value.trim() === '') throw new SecretNotFoundError(`parameter ${parameter} has no value`);
      return Parameter.Value;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') throw new SecretNotFoundError(`no parameter ${parameter}`);
      throw error;
    }
  }
}

/** The resolver with its own client; the composition loads this module on the first secret read. */
export function createSsmSecretResolver(options: {
  readonly region: string;
  readonly prefix: string;
  readonly endpoint?: string | undefined;
}): SsmSecretResolver {
  // Secrets are read once per container; a slow SSM gets 2 s, twice, and never past the step's deadline.
  const client = new SSMClient({
    region: options.region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return new SsmSecretResolver(setUpSdkClient(client), options.prefix);
}
