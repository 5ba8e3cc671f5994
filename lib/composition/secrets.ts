/**
 * Secrets by name: environment variables locally, SSM Parameter Store SecureStrings when
 * deployed (`<CRM_SSM_PREFIX><name>`), cached per container. The SSM client loads on the
 * first read, so a container that never needs a secret never loads it.
 */
import type { SecretResolver } from '../secrets/secret-resolver';
import { CachedSecretResolver, DeferredSecretResolver } from '../secrets/cached-secret-resolver';
import { EnvSecretResolver } from '../secrets/env-secret-resolver';
import { config } from './core';

export const secrets: SecretResolver =
  config.crm.secretsFrom === 'ssm'
    ? new CachedSecretResolver(
        new DeferredSecretResolver(async () => (await import('../secrets/ssm-secret-resolver')).createSsmSecretResolver({ region: config.region, prefix: config.crm.ssmPrefix })),
        config.crm.secretCacheSeconds * 1000,
      )
    : new EnvSecretResolver(config.crm.envSecrets);

/**
 * The auth token webhook signatures are checked with: TWILIO_AUTH_TOKEN when set, else the
 * secret TWILIO_AUTH_TOKEN_SECRET names (read once per container, kept by the cache above).
 */
export const twilioAuthToken: string | (() => Promise<string>) = config.twilioAuthTokenSecret
  ? () => secrets.resolve(config.twilioAuthTokenSecret as string)
  : config.twilioAuthToken;
