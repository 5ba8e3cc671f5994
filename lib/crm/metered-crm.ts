/**
 * Measures every CRM request at the port: latency (CrmLatency, ms) and failures
 * (CrmFailure: a thrown error or a `failed` answer), by source and operation.
 */
import type { MetricsRecorder } from '../observability/metrics';
import type { Crm, CrmResolver } from './crm';
import { decorateCrm, type CrmAnswer, type CrmOperation } from './decorate-crm';

function isFailedAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'failed';
}

/** Wraps every operation `crm` has (decorateCrm: none dropped, none invented). */
export function meteredCrm(crm: Crm, metrics: MetricsRecorder, clock: () => number = () => performance.now()): Crm {
  return decorateCrm(crm, async <K extends CrmOperation>(operation: K, _traits: unknown, call: () => Promise<CrmAnswer<K>>): Promise<CrmAnswer<K>> => {
    const started = clock();
    const dimensions = { source: crm.source, operation };
    let failed = true;
    try {
      const result = await call();
      failed = isFailedAnswer(result);
      return result;
    } finally {
      metrics.add('CrmLatency', 'Milliseconds', Math.round((clock() - started) * 100) / 100, dimensions);
      if (failed) metrics.add('CrmFailure', 'Count', 1, dimensions);
    }
  });
}

/** A resolver whose CRMs are all metered (each wrapped once). */
export class MeteredCrmResolver implements CrmResolver {
  private readonly wrapped = new WeakMap<Crm, Crm>();

  constructor(
    private readonly inner: CrmResolver,
    private readonly metrics: MetricsRecorder,
  ) {}

  forSource(name: string): Crm {
    const crm = this.inner.forSource(name);
    let metered = this.wrapped.get(crm);
    if (!metered) {
      metered = meteredCrm(crm, this.metrics);
      this.wrapped.set(crm, metered);
    }
    return metered;
  }
}
