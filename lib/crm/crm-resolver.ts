import type { ModuleConfig } from '../config/module-schema';
import type { LookupSource } from '../config/lookup-source-schema';
import type { ConnectionTest, Crm, CrmResolver } from './crm';
import type { LookupSourceStore } from './lookup-source-store';
import type { BalanceResult } from '../domain/balance';
import type { BillableItemType, ItemQuery, ItemResult, MoneyAccount } from '../domain/billable-item';
import type { Customer, IdentityResult } from '../domain/customer';
import type { PaymentLinkRequest, PaymentLinkResult } from '../domain/payment-link';
import type { CurrencyCode } from '../domain/money';
import { SecretNotFoundError, type SecretResolver } from '../secrets/secret-resolver';
import { failureReason, LookupSourceUnavailableError } from './crm-errors';
import { CircuitBreaker, ResilientCrm, type ResilienceOptions } from './resilient-crm';

export class UnknownLookupSourceError extends Error {
  override readonly name = 'UnknownLookupSourceError';
}

/** Configured (stored) lookup sources and how to build an adapter for one. */
export interface ConfiguredSources {
  readonly store: LookupSourceStore;
  readonly secrets: SecretResolver;
  /** Builds the adapter for a source with its resolved password (undefined when it names none). */
  readonly build: (source: LookupSource, password: string | undefined) => Crm;
  readonly resilience: ResilienceOptions;
  /** How long a loaded source definition is trusted before it is read again. */
  readonly definitionTtlMs: number;
  readonly clock?: () => number;
}

/**
 * Lookup sources by name; a module names the one it uses (default: the built-in ledger).
 * Built-in sources are given; stored ones are loaded on first use and their adapters
 * (wrapped in ResilientCrm, one circuit breaker per source) kept at container scope.
 */
export class NamedCrmResolver implements CrmResolver {
  private readonly lazy = new Map<string, StoredSourceCrm>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly builtIn: ReadonlyMap<string, Crm>,
    private readonly configured?: ConfiguredSources,
  ) {}

  forModule(module: Pick<ModuleConfig, 'code' | 'lookupSource'>): Crm {
    const builtIn = this.builtIn.get(module.lookupSource);
    if (builtIn) return builtIn;
    if (!this.configured) throw new UnknownLookupSourceError(`module ${module.code} names unknown lookup source "${module.lookupSource}"`);
    let crm = this.lazy.get(module.lookupSource);
    if (!crm) {
      crm = new StoredSourceCrm(module.lookupSource, this.configured, this.breaker(module.lookupSource));
      this.lazy.set(module.lookupSource, crm);
    }
    return crm;
  }

  /**
   * Runs one harmless lookup (money accounts) against a source's current definition, through
   * a fresh resilient adapter: the deadline and retry apply, but its own breaker, so a test
   * neither trips nor is hidden by the breaker callers go through. Never throws.
   */
  async testConnection(name: string): Promise<ConnectionTest> {
    const clock = this.configured?.clock ?? Date.now;
    const started = clock();
    const elapsedMs = () => Math.max(0, clock() - started);
    try {
      let crm = this.builtIn.get(name);
      if (!crm) {
        if (!this.configured) throw new LookupSourceUnavailableError('unknown-source', `no lookup source named ${name}`);
        const { failureThreshold, openMs, clock: breakerClock } = this.configured.resilience;
        crm = new ResilientCrm(await buildAdapter(name, this.configured), new CircuitBreaker(failureThreshold, openMs, breakerClock), this.configured.resilience);
      }
      const accounts = await crm.moneyAccounts();
      return { ok: true, moneyAccounts: accounts.length, elapsedMs: elapsedMs() };
    } catch (error) {
      return { ok: false, reason: failureReason(error), elapsedMs: elapsedMs() };
    }
  }

  /** The breaker of a source, for tests and diagnostics. */
  breaker(name: string): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (!breaker) {
      const { failureThreshold, openMs, clock } = this.configured?.resilience ?? { failureThreshold: 5, openMs: 30_000 };
      breaker = new CircuitBreaker(failureThreshold, openMs, clock);
      this.breakers.set(name, breaker);
    }
    return breaker;
  }
}

type Failed = { status: 'failed'; source: string; reason: string };

/** A stored source: loads its definition and secret when used, rebuilds the adapter when the definition changes. */
class StoredSourceCrm implements Crm {
  private loaded: { fingerprint: string; crm: Crm; expires: number } | undefined;

  constructor(
    readonly source: string,
    private readonly configured: ConfiguredSources,
    private readonly breaker: CircuitBreaker,
  ) {}

  identifyByPhone(phone: string): Promise<IdentityResult> {
    return this.orFailed((crm) => crm.identifyByPhone(phone));
  }

  identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult> {
    return this.orFailed((crm) => crm.identifyByCustomerNumber(customerNumber));
  }

  balance(customer: Customer, currency: CurrencyCode): Promise<BalanceResult> {
    return this.orFailed((crm) => crm.balance(customer, currency));
  }

  findItem(customer: Customer, query: ItemQuery): Promise<ItemResult> {
    return this.orFailed((crm) => crm.findItem(customer, query));
  }

  createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult> {
    return this.orFailed((crm) => crm.createPaymentLink(request));
  }

  async moneyAccounts(): Promise<MoneyAccount[]> {
    return (await this.load()).moneyAccounts();
  }

  async itemTypes(): Promise<BillableItemType[]> {
    return (await this.load()).itemTypes();
  }

  private async orFailed<T>(use: (crm: Crm) => Promise<T>): Promise<T | Failed> {
    let crm: Crm;
    try {
      crm = await this.load();
    } catch (error) {
      return { status: 'failed', source: this.source, reason: failureReason(error) };
    }
    return use(crm);
  }

  private async load(): Promise<Crm> {
    const clock = this.configured.clock ?? Date.now;
    if (this.loaded && this.loaded.expires > clock()) return this.loaded.crm;
    const definition = await readDefinition(this.source, this.configured);
    const fingerprint = JSON.stringify(definition);
    if (this.loaded?.fingerprint === fingerprint) {
      this.loaded = { ...this.loaded, expires: clock() + this.configured.definitionTtlMs };
      return this.loaded.crm;
    }
    const password = await resolvePassword(definition, this.configured);
    const crm = new ResilientCrm(this.configured.build(definition, password), this.breaker, this.configured.resilience);
    this.loaded = { fingerprint, crm, expires: clock() + this.configured.definitionTtlMs };
    return crm;
  }
}

async function readDefinition(name: string, configured: ConfiguredSources): Promise<LookupSource> {
  let definition: LookupSource | undefined;
  try {
    definition = await configured.store.getSource(name);
  } catch (error) {
    throw new LookupSourceUnavailableError('config-unavailable', `lookup source ${name} could not be read`, { cause: error });
  }
  if (!definition) throw new LookupSourceUnavailableError('unknown-source', `no lookup source named ${name}`);
  return definition;
}

async function resolvePassword(definition: LookupSource, configured: ConfiguredSources): Promise<string | undefined> {
  if (!definition.passwordSecret) return undefined;
  try {
    return await configured.secrets.resolve(definition.passwordSecret);
  } catch (error) {
    const reason = error instanceof SecretNotFoundError ? 'secret-missing' : 'secret-unavailable';
    // The error names the secret, never its value.
    throw new LookupSourceUnavailableError(reason, `secret ${definition.passwordSecret} of lookup source ${definition.name}: ${(error as Error).name}`);
  }
}

async function buildAdapter(name: string, configured: ConfiguredSources): Promise<Crm> {
  const definition = await readDefinition(name, configured);
  return configured.build(definition, await resolvePassword(definition, configured));
}
