import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. Phone numbers are never logged whole: callers of the logger
 * pass them through maskPhone (lib/phone.ts).
 */
export function createLogger(level: string): Logger {
  return new Logger({ serviceName: 'balance-ivr', logLevel: level as never });
}

/** The part of the logger the product uses, so tests can pass a recorder. */
export type AppLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'appendKeys' | 'resetKeys'>;
