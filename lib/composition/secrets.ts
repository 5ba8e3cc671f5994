/**
 * Secrets by name, cached per container: the product's own (Twilio auth token, API key secret,
 * payment-link key, admin key) and lookup-source passwords. Deployed both are SSM SecureStrings:
 * `/balance-ivr/<stage>/<name>` and `/balance-ivr/<stage>/crm/<name>`; locally environment
 * variables. The SSM client loads on the first read, so a container that never needs a
 * secret never loads it (each function reads only what its SECRET_NAMES lists).
 */
import type { SecretResolver } from '../secrets/secret-resolver';
import { CachedSecretResolver, CrmPasswordResolver, DeferredSecretResolver } from '../secrets/cached-secret-resolver';
import { EnvSecretResolver, NamedValueSecretResolver } from '../secrets/env-secret-resolver';
import { ProductSecrets } from '../secrets/product-secrets';
import { config } from './core';

const ttlMs = config.secrets.cacheSeconds * 1000;
const ssm: SecretResolver | undefined =
  config.secrets.from === 'ssm'
    ? new DeferredSecretResolver(async () =>
        (await import('../secrets/ssm-secret-resolver')).createSsmSecretResolver({
          region: config.region,
          prefix: config.secrets.ssmPrefix,
          endpoint: config.secrets.ssmEndpoint,
        }),
      )
    : undefined;

/** Lookup-source passwords (`crm/<name>`), only ever from that path. */
export const secrets: SecretResolver = new CrmPasswordResolver(ssm ? new CachedSecretResolver(ssm, ttlMs) : new EnvSecretResolver(config.crm.envSecrets));

/** The product's own secrets; this function may read only those its SECRET_NAMES lists. */
export const productSecrets = new ProductSecrets(ssm ? new CachedSecretResolver(ssm, ttlMs) : new NamedValueSecretResolver(config.secrets.envValues), {
  readable: config.secrets.readable,
  enforceMinLength: !config.isLocal,
});

/** The auth token webhook signatures are checked with (read once per container when deployed). */
export const twilioAuthToken = (): Promise<string> => productSecrets.get('twilio-auth-token');
