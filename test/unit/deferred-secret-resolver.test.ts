/** The SSM resolver is loaded on the first CRM password read, once, and again after a failed load. */
import { DeferredSecretResolver } from '../../lib/secrets/cached-secret-resolver';
import type { SecretResolver } from '../../lib/secrets/secret-resolver';

const resolver = (prefix: string): SecretResolver => ({ resolve: async (name) => `${prefix}${name}` });

describe('a deferred secret resolver', () => {
  it('loads nothing until the first lookup, then loads once for every later lookup', async () => {
    let loads = 0;
    const deferred = new DeferredSecretResolver(async () => {
      loads += 1;
      return resolver('secret-of-');
    });
    expect(loads).toBe(0);
    expect(await Promise.all([deferred.resolve('pg'), deferred.resolve('crm')])).toEqual(['secret-of-pg', 'secret-of-crm']);
    expect(await deferred.resolve('pg')).toBe('secret-of-pg');
    expect(loads).toBe(1);
  });

  it('tries to load again after a failed load rather than failing forever', async () => {
    let loads = 0;
    const deferred = new DeferredSecretResolver(async () => {
      loads += 1;
      if (loads === 1) throw new Error('module failed to load');
      return resolver('ok-');
    });
    await expect(deferred.resolve('pg')).rejects.toThrow('module failed to load');
    expect(await deferred.resolve('pg')).toBe('ok-pg');
    expect(loads).toBe(2);
  });
});
