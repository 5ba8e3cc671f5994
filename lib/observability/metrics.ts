/**
 * Metrics in CloudWatch embedded metric format (EMF): one JSON line per datum on stdout,
 * which Lambda ships to CloudWatch Logs and CloudWatch turns into metrics, with no API
 * call in the request path. Hand-written because the format is small and the voice bundle
 * has a size budget.
 */
export type MetricUnit = 'Count' | 'Milliseconds';

/** Where the product reports what it measures. */
export interface MetricsRecorder {
  add(name: string, unit: MetricUnit, value: number, dimensions: Readonly<Record<string, string>>): void;
}

/**
 * Metrics the CloudWatch alarms watch (infra/alarms.js). An alarm needs one exact dimension set,
 * so these are also published with the `service` dimension alone, whatever else they carry.
 */
export const ALARMED_METRICS = ['WebhookFailed', 'StepDeadlineExceeded', 'CrmCircuitOpen', 'SmsFailed'] as const;

export interface EmfOptions {
  readonly namespace: string;
  readonly service: string;
  /** Metric names also published with the `service` dimension alone (for alarms). */
  readonly rollup?: readonly string[];
  /** Default: a line on stdout. */
  readonly write?: (line: string) => void;
  readonly clock?: () => number;
}

// CloudWatch rejects dimension values longer than 1024 characters; keep them short and safe.
const dimensionValue = (value: string) => value.slice(0, 250) || 'none';

export class EmfMetrics implements MetricsRecorder {
  private readonly write: (line: string) => void;
  private readonly clock: () => number;

  constructor(private readonly options: EmfOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.clock = options.clock ?? Date.now;
  }

  add(name: string, unit: MetricUnit, value: number, dimensions: Readonly<Record<string, string>>): void {
    const values: Record<string, string> = { service: this.options.service };
    for (const [key, raw] of Object.entries(dimensions)) values[key] = dimensionValue(raw);
    const line = {
      _aws: {
        Timestamp: this.clock(),
        CloudWatchMetrics: [
          { Namespace: this.options.namespace, Dimensions: this.dimensionSets(name, Object.keys(values)), Metrics: [{ Name: name, Unit: unit }] },
        ],
      },
      ...values,
      [name]: value,
    };
    try {
      this.write(JSON.stringify(line));
    } catch {
      // A metric must never break a call.
    }
  }

  private dimensionSets(name: string, keys: string[]): string[][] {
    return this.options.rollup?.includes(name) && keys.length > 1 ? [keys, ['service']] : [keys];
  }
}

/** For wiring without metrics (tests, scripts). */
export const noMetrics: MetricsRecorder = { add() {} };
