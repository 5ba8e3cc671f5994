/**
 * One lookup against a module's CRM, as the balance and club flows perform them. Any thrown
 * error (resolving the CRM included) is logged and becomes the flow's 'failed' answer naming
 * the source, so the caller hears an apology and goes to the error destination.
 */
import type { ModuleConfig } from '../config/module-schema';
import { failureReason } from '../crm/crm-errors';
import type { AppLogger } from '../observability/logger';
import type { Crm, CrmResolver } from '../crm/crm';

export interface CrmLookupFailure {
  readonly status: 'failed';
  readonly source: string;
  readonly reason: string;
}

export async function lookupInModuleCrm<T>(
  deps: { readonly crms: CrmResolver; readonly logger: AppLogger },
  module: Pick<ModuleConfig, 'code' | 'lookupSource'>,
  lookup: string,
  run: (crm: Crm) => Promise<T>,
  failed: (failure: CrmLookupFailure) => T,
): Promise<T> {
  let source = module.lookupSource;
  try {
    const crm = deps.crms.forSource(module.lookupSource);
    source = crm.source;
    return await run(crm);
  } catch (error) {
    deps.logger.warn('CRM lookup failed', { source, lookup, error: error as Error });
    return failed({ status: 'failed', source, reason: failureReason(error) });
  }
}
