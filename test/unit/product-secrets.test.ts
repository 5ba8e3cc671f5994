/** Reading the product's secrets and CRM passwords by name: what is refused before any store is asked. */
import { CrmPasswordResolver } from '../../lib/secrets/cached-secret-resolver';
import { NamedValueSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { MissingSecretError, ProductSecrets } from '../../lib/secrets/product-secrets';
import { SecretNotFoundError, type SecretResolver } from '../../lib/secrets/secret-resolver';

/** A store that records the names it was asked for. */
function recording(values: Record<string, string>): SecretResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolve(name) {
      asked.push(name);
      if (!(name in values)) throw new SecretNotFoundError(`no ${name}`);
      return values[name] as string;
    },
  };
}

describe('the product secrets', () => {
  it('reads only what SECRET_NAMES grants, without asking the store for anything else', async () => {
    const store = recording({ 'twilio-auth-token': 'token', 'admin-api-key': 'a-long-enough-admin-key' });
    const secrets = new ProductSecrets(store, { readable: ['twilio-auth-token'] });
    await expect(secrets.get('twilio-auth-token')).resolves.toBe('token');
    await expect(secrets.get('admin-api-key')).rejects.toEqual(new MissingSecretError('admin-api-key', 'not-granted'));
    expect(store.asked).toEqual(['twilio-auth-token']);
  });

  it('never answers a missing, blank or unreadable secret with a string', async () => {
    const failing: SecretResolver = {
      resolve: async () => Promise.reject(Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException' })),
    };
    await expect(new ProductSecrets(new NamedValueSecretResolver({})).get('payment-link-secret')).rejects.toMatchObject({
      name: 'MissingSecretError',
      problem: 'not-set',
      message: 'secret payment-link-secret is not set',
    });
    await expect(new ProductSecrets(new NamedValueSecretResolver({ 'payment-link-secret': ' \t' })).get('payment-link-secret')).rejects.toMatchObject({
      problem: 'empty',
    });
    await expect(new ProductSecrets(failing).get('twilio-auth-token')).rejects.toMatchObject({
      problem: 'unreadable',
      message: 'secret twilio-auth-token is unreadable',
    });
  });
});

describe('CRM passwords', () => {
  it('are read under crm/ only, and a name that would leave that path is refused before the store is asked', async () => {
    const store = recording({ 'crm/pg-main': 'pw', 'admin-api-key': 'the-admin-key-value' });
    const crm = new CrmPasswordResolver(store);
    await expect(crm.resolve('crm/pg-main')).resolves.toBe('pw');
    for (const name of ['admin-api-key', 'crm/../admin-api-key', 'crm/a/b', 'crm//admin-api-key', 'crm/pg..main', 'crm/', 'pg-main', ''])
      await expect(crm.resolve(name)).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(store.asked).toEqual(['crm/pg-main']);
  });
});
