/**
 * What every function shares: configuration (read once), the logger, metrics and the
 * DynamoDB client, built at module scope once per container. Each function imports its own
 * composition (lib/composition/<function>.ts), so its bundle carries only the adapters it
 * uses; tests build their own wiring with other adapters.
 */
import { loadConfig } from '../config/app-config';
import { createDocumentClient } from '../aws/dynamodb-client';
import { createLogger } from '../observability/logger';
import { ALARMED_METRICS, EmfMetrics, noMetrics, type MetricsRecorder } from '../observability/metrics';

export const config = loadConfig();
export const logger = createLogger(config.logLevel);
// The alarms (infra/alarms.js) watch these per service, whatever their other dimensions.
export const metrics: MetricsRecorder = config.metricsEnabled
  ? new EmfMetrics({ namespace: config.metricsNamespace, service: 'balance-ivr', rollup: ALARMED_METRICS })
  : noMetrics;
export const dynamo = createDocumentClient({ endpoint: config.dynamoDbEndpoint, region: config.region, requestTimeoutMs: config.dynamoDbRequestTimeoutMs });
