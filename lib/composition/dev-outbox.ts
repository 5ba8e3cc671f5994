/** Wiring of the local outbox listing: the outbox only. */
import { config, logger } from './core';
import { outbox } from './sms';

export { config, logger, outbox };
