/**
 * Measures every CRM request at the port: latency (CrmLatency, ms) and failures
 * (CrmFailure: a thrown error or a `failed` answer), by source and operation.
 */
import type { ModuleConfig } from '../config/module-schema';
import type { MetricsRecorder } from '../observability/metrics';
import type { Crm, CrmResolver } from './crm';

function isFailedAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'failed';
}

/**
 * Wraps every method of a Crm. A Proxy rather than a class listing the methods, so an
 * operation added to the port is measured without touching this file.
 */
export function meteredCrm(crm: Crm, metrics: MetricsRecorder, clock: () => number = () => performance.now()): Crm {
  return new Proxy(crm, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return async (...args: unknown[]) => {
        const started = clock();
        const dimensions = { source: target.source, operation: prop };
        let failed = true;
        try {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          failed = isFailedAnswer(result);
          return result;
        } finally {
          metrics.add('CrmLatency', 'Milliseconds', Math.round((clock() - started) * 100) / 100, dimensions);
          if (failed) metrics.add('CrmFailure', 'Count', 1, dimensions);
        }
      };
    },
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

  forModule(module: Pick<ModuleConfig, 'lookupSource'>): Crm {
    return this.forSource(module.lookupSource);
  }
}
