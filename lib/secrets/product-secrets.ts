/**
 * The product's own secrets (Twilio auth token, API key secret, payment-link key, admin key), read
 * through a SecretResolver: SSM SecureStrings when deployed, environment variables locally.
 * A secret that is missing, blank, too short or not granted to this function never runs as an
 * empty string: it is a MissingSecretError naming the secret (never its value), which webhooks
 * answer with their fallback TwiML and the admin API with a 503.
 */
import { PRODUCT_SECRETS, type ProductSecretName } from './secret-names';
import { SecretNotFoundError, type SecretResolver } from './secret-resolver';

export type MissingSecretProblem = 'not-set' | 'empty' | 'too-short' | 'not-granted' | 'unreadable';

export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';

  constructor(
    readonly secretName: string,
    readonly problem: MissingSecretProblem,
    options?: { cause?: unknown },
  ) {
    super(
      `secret ${secretName} is ${problem === 'not-granted' ? 'not granted to this function (SECRET_NAMES)' : problem === 'unreadable' ? 'unreadable' : problem.replace('-', ' ')}`,
      options,
    );
  }
}

export interface ProductSecretsOptions {
  /** SECRET_NAMES: the only names this function may read; undefined = every product secret (local runs). */
  readonly readable?: readonly string[] | undefined;
  /** Enforce each secret's minimum length (deployed; local defaults are short on purpose). */
  readonly enforceMinLength?: boolean;
}

export class ProductSecrets {
  private readonly readable: ReadonlySet<string> | undefined;

  constructor(
    private readonly resolver: SecretResolver,
    private readonly options: ProductSecretsOptions = {},
  ) {
    this.readable = options.readable ? new Set(options.readable) : undefined;
  }

  async get(name: ProductSecretName): Promise<string> {
    // Asking for a secret the role cannot read would only fail later with an AccessDenied.
    if (this.readable && !this.readable.has(name)) throw new MissingSecretError(name, 'not-granted');
    let value: string;
    try {
      value = await this.resolver.resolve(name);
    } catch (error) {
      // By name too: the SSM resolver is loaded on demand, and a test's module registry may hold a second copy of the class.
      const notFound = error instanceof SecretNotFoundError || (error as Error | undefined)?.name === 'SecretNotFoundError';
      throw new MissingSecretError(name, notFound ? 'not-set' : 'unreadable', { cause: error });
    }
    if (value.trim() === '') throw new MissingSecretError(name, 'empty');
    const minLength = (PRODUCT_SECRETS[name] as { readonly minLength?: number }).minLength;
    if (this.options.enforceMinLength && minLength !== undefined && value.length < minLength) throw new MissingSecretError(name, 'too-short');
    return value;
  }
}
