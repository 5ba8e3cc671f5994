import { Logger } from '@aws-lambda-powertools/logger';
import { redactingReplacer } from './redact';

/**
 * Structured JSON logs (Powertools). Callers pass phone numbers through maskPhone
 * (lib/domain/phone.ts); the replacer is a safety net that masks anything phone-like that slipped
 * into a message, an attribute or an error's text.
 */
export function createLogger(level: string): Logger {
  return new Logger({ serviceName: 'balance-ivr', logLevel: level as never, jsonReplacerFn: redactingReplacer as never });
}

/** The part of the logger the product uses, so tests can pass a recorder. */
export type AppLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'appendKeys' | 'resetKeys'>;
