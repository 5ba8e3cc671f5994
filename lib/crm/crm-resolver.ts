import type { LookupSource } from '../config/lookup-source-schema';
import { sourceUsesPassword } from '../config/lookup-source-rules';
import { crmPasswordSecret } from '../secrets/secret-names';
import type { ConnectionTest, Crm, CrmResolver } from './crm';
import type { LookupSourceStore } from './lookup-source-store';
import { SecretNotFoundError, type SecretResolver } from '../secrets/secret-resolver';
import { failureReason, LookupSourceUnavailableError, UnknownLookupSourceError } from './crm-errors';
import { deferredCrm } from './decorate-crm';
import { CircuitBreaker } from '../domain/circuit-breaker';
import { resilientCrm, type ResilienceOptions } from './resilient-crm';

/** Configured (stored) lookup sources and how to build an adapter for one. */
export interface ConfiguredSources {
  readonly store: LookupSourceStore;
  readonly secrets: SecretResolver;
  /** Builds the adapter for a source with its resolved password (undefined when it sends none). */
  readonly build: (source: LookupSource, password: string | undefined) => Crm;
  readonly resilience: ResilienceOptions;
  /** How long a loaded source definition is trusted before it is read again. */
  readonly definitionTtlMs: number;
  readonly clock?: () => number;
}

/**
 * Lookup sources by name; a module names the one it uses (default: the built-in ledger).
 * Built-in sources are given; stored ones are loaded on first use and their adapters
 * (wrapped in resilientCrm, one circuit breaker per source) kept at container scope.
 */
export class NamedCrmResolver implements CrmResolver {
  private readonly lazy = new Map<string, Crm>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly builtIn: ReadonlyMap<string, Crm>,
    private readonly configured?: ConfiguredSources,
  ) {}

  forSource(name: string): Crm {
    const builtIn = this.builtIn.get(name);
    if (builtIn) return builtIn;
    // Without stored sources a name is known now; with them, only when its definition is read.
    if (!this.configured) throw new UnknownLookupSourceError(name);
    let crm = this.lazy.get(name);
    if (!crm) {
      crm = storedSourceCrm(name, this.configured, this.breaker(name));
      this.lazy.set(name, crm);
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
        if (!this.configured) throw new UnknownLookupSourceError(name);
        const { failureThreshold, openMs, clock: breakerClock } = this.configured.resilience;
        crm = resilientCrm(await buildAdapter(name, this.configured), new CircuitBreaker(failureThreshold, openMs, breakerClock), this.configured.resilience);
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

/**
 * A stored source: loads its definition and secret when used and rebuilds the adapter when the
 * definition changes. Built with deferredCrm (decorate-crm.ts), so it forwards every operation,
 * the password check included, to whatever adapter the current definition gives.
 */
function storedSourceCrm(source: string, configured: ConfiguredSources, breaker: CircuitBreaker): Crm {
  const clock = configured.clock ?? Date.now;
  let loaded: { fingerprint: string; crm: Crm; expires: number } | undefined;

  async function load(): Promise<Crm> {
    if (loaded && loaded.expires > clock()) return loaded.crm;
    const definition = await readDefinition(source, configured);
    const fingerprint = JSON.stringify(definition);
    if (loaded?.fingerprint === fingerprint) {
      loaded = { ...loaded, expires: clock() + configured.definitionTtlMs };
      return loaded.crm;
    }
    const password = await resolvePassword(definition, configured);
    const crm = resilientCrm(configured.build(definition, password), breaker, configured.resilience);
    loaded = { fingerprint, crm, expires: clock() + configured.definitionTtlMs };
    return crm;
  }

  return deferredCrm(source, load);
}

async function readDefinition(name: string, configured: ConfiguredSources): Promise<LookupSource> {
  let definition: LookupSource | undefined;
  try {
    definition = await configured.store.getSource(name);
  } catch (error) {
    throw new LookupSourceUnavailableError('config-unavailable', `lookup source ${name} could not be read`, { cause: error });
  }
  if (!definition) throw new UnknownLookupSourceError(name);
  return definition;
}

/** A source's password is its own secret, `crm/<name>`, whatever else its definition says. */
async function resolvePassword(definition: LookupSource, configured: ConfiguredSources): Promise<string | undefined> {
  if (!sourceUsesPassword(definition)) return undefined;
  const secret = crmPasswordSecret(definition.name);
  try {
    return await configured.secrets.resolve(secret);
  } catch (error) {
    const reason = error instanceof SecretNotFoundError ? 'secret-missing' : 'secret-unavailable';
    // The error names the secret, never its value.
    throw new LookupSourceUnavailableError(reason, `secret ${secret} of lookup source ${definition.name}: ${(error as Error).name}`);
  }
}

async function buildAdapter(name: string, configured: ConfiguredSources): Promise<Crm> {
  const definition = await readDefinition(name, configured);
  return configured.build(definition, await resolvePassword(definition, configured));
}
