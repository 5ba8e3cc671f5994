import type { BalanceModule } from '../config/module-schema';
import type { Crm, CrmResolver } from '../ports';

export class UnknownLookupSourceError extends Error {
  override readonly name = 'UnknownLookupSourceError';
}

/** Lookup sources by name; a module names the one it uses (default: the built-in ledger). */
export class NamedCrmResolver implements CrmResolver {
  constructor(private readonly sources: ReadonlyMap<string, Crm>) {}

  forModule(module: BalanceModule): Crm {
    const crm = this.sources.get(module.lookupSource);
    if (!crm) throw new UnknownLookupSourceError(`module ${module.code} names unknown lookup source "${module.lookupSource}"`);
    return crm;
  }
}
