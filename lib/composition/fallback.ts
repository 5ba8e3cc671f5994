/**
 * Wiring of the fallback webhook: configuration and sessions only. Speech without Polly or
 * S3 (English by <Say>, Persian from the clip pack's URLs), so a fallback needs nothing that
 * may be what failed.
 */
import { CachedModuleStore, DynamoModuleStore } from '../config/dynamo-module-store';
import { CatalogueSpeech } from '../speech/catalogue-speech';
import { DynamoSessionStore } from '../voice/dynamo-session-store';
import type { FallbackDeps } from '../voice/fallback-step';
import { runWithDeadline } from '../aws/deadline-scope';
import { config, dynamo, logger, metrics } from './core';

export { config, logger, metrics };

/** The fallback answers faster than a step: it does less, and Twilio is already waiting. */
export const FALLBACK_DEADLINE_MS = 4000;

export const fallbackDeps: FallbackDeps = {
  modules: new CachedModuleStore(new DynamoModuleStore(dynamo, config.tables.config), config.configCacheSeconds * 1000),
  sessions: new DynamoSessionStore(dynamo, config.tables.sessions),
  speech: new CatalogueSpeech({ audioBaseUrl: config.audioBaseUrl, englishVoice: `Polly.${config.speech.pollyVoice}`, logger }),
  logger,
  metrics,
  publicBaseUrl: config.publicBaseUrl,
  sessionTtlSeconds: config.sessionTtlSeconds,
  defaultLanguage: config.defaultLanguage,
  withinDeadline: runWithDeadline,
};
