/** Wiring of the status callback: sessions and the call log only. */
import { DynamoCallLog } from '../call-log/dynamo-call-log';
import { DynamoSessionStore } from '../voice/dynamo-session-store';
import type { StatusDeps } from '../voice/status-callback';
import { config, dynamo, logger, metrics } from './core';

export { config, logger, metrics };

export const statusDeps: StatusDeps = {
  sessions: new DynamoSessionStore(dynamo, config.tables.sessions),
  callLog: new DynamoCallLog(dynamo, config.tables.callLog, { retentionDays: config.callLogRetentionDays }),
  logger,
};
