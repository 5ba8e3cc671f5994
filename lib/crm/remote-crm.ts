import type { LookupSource } from '../config/lookup-source-schema';
import type { Crm } from './crm';
import type { CrmTransport } from './crm-http';
import { AlovoipHttpCrm } from './alovoip/alovoip-crm';
import { PayamgostarCrm } from './payamgostar/payamgostar-crm';

/** The adapter for a stored lookup source (type payamgostar or http). */
export function buildRemoteCrm(
  source: LookupSource,
  password: string | undefined,
  options: { timeoutMs: number; defaultCountryCode: string; transport: CrmTransport },
): Crm {
  // Sources stored before currencies existed keep amounts in rials.
  const currency = source.currency ?? 'IRR';
  if (source.type === 'payamgostar') {
    return new PayamgostarCrm({
      source: source.name,
      host: source.host,
      currency,
      username: source.username,
      password: password ?? '',
      timeoutMs: options.timeoutMs,
      transport: options.transport,
      itemTypeKeys: source.itemTypeKeys,
      linkExpiryDays: source.linkExpiryDays,
      defaultCountryCode: options.defaultCountryCode,
      ...(source.paymentTypeKey ? { paymentTypeKey: source.paymentTypeKey } : {}),
    });
  }
  return new AlovoipHttpCrm({
    source: source.name,
    host: source.host,
    currency,
    auth: source.auth,
    timeoutMs: options.timeoutMs,
    transport: options.transport,
    itemTypeKeys: source.itemTypeKeys,
    defaultCountryCode: options.defaultCountryCode,
    ...(source.username !== undefined ? { username: source.username } : {}),
    ...(password !== undefined ? { password } : {}),
  });
}
