/**
 * The middleware stack of the admin API (separate from the Twilio webhooks: no signature
 * check here). Checks the admin key in constant time (the current key, and during a rotation
 * the next one), limits wrong keys per source address, builds the AdminRequest, and maps
 * named errors to JSON responses in one place. No CORS headers: the panel is served from
 * the same origin, and other origins must not read anything.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AdminError, MethodNotAllowedError, PayloadTooLargeError, TooManyAttemptsError, UnauthorizedError, UnavailableError } from '../admin/admin-errors';
import { adminMessage } from '../admin/admin-messages';
import type { AdminRequest, AdminResponse } from '../admin/admin-router';
import { operatorLanguage } from '../admin/operator-language';
import type { Language } from '../config/module-schema';
import type { AppLogger } from '../observability/logger';
import { InvalidCursorError } from '../aws/paging-cursor';
import type { AttemptLimiter } from '../auth/attempt-limiter';
import { AuditUnavailableError, type AdminKeyId } from '../audit/audit-trail';
import { MissingSecretError } from '../secrets/product-secrets';

export type AdminEvent = APIGatewayProxyEventV2 & { admin: AdminRequest };
export type AdminResult = APIGatewayProxyStructuredResultV2;

export const ADMIN_API_PREFIX = '/admin/api';

export interface AdminHttpOptions {
  /** The key itself, or its reader (an SSM SecureString read once per container when deployed). */
  readonly adminApiKey: string | (() => Promise<string>);
  /** During a key rotation, the next key (or its reader; undefined outside a rotation): both are accepted until the old one is retired. */
  readonly adminApiKeyNext?: string | (() => Promise<string | undefined>);
  /**
   * Wrong keys per source address (the attempts table's counters). Fails closed: when the
   * counters cannot be read or written, the request is refused (503), never let through unchecked.
   */
  readonly wrongKeys: { readonly limiter: AttemptLimiter; readonly lockSeconds: number };
  readonly defaultLanguage: Language;
  readonly logger: AppLogger;
  readonly maxBodyBytes?: number;
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export function adminJson(response: AdminResponse, extraHeaders: Record<string, string> = {}): AdminResult {
  return {
    statusCode: response.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...extraHeaders },
    body: JSON.stringify(response.body),
  };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function adminKeyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected === '') return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Which accepted key was presented; both are always compared, so timing tells nothing of which. */
export function matchingAdminKey(presented: string | undefined, current: string, next: string | undefined): AdminKeyId | undefined {
  const isCurrent = adminKeyMatches(presented, current);
  const isNext = adminKeyMatches(presented, next ?? '');
  return isCurrent ? 'current' : isNext ? 'next' : undefined;
}

/** The limiter's counter for an address. */
export const wrongKeyCounter = (sourceIp: string) => `admin-key#${sourceIp}`;

function lowerCaseHeaders(event: APIGatewayProxyEventV2): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(event.headers ?? {})) out[key.toLowerCase()] = value;
  return out;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  return match?.[1]?.trim();
}

function errorResponse(error: AdminError, language: Language): AdminResult {
  const headers: Record<string, string> = {};
  if (error instanceof UnauthorizedError) headers['WWW-Authenticate'] = 'Bearer realm="balance-ivr admin"';
  if (error instanceof MethodNotAllowedError) headers.Allow = error.allowed.join(', ');
  if (error instanceof TooManyAttemptsError) headers['Retry-After'] = String(error.retryAfterSeconds);
  return adminJson(
    {
      status: error.status,
      body: { error: error.code, message: adminMessage(error.code, language), ...(error.errors.length > 0 ? { errors: error.errors } : {}), ...error.details },
    },
    headers,
  );
}

export function adminHttp(options: AdminHttpOptions): middy.MiddlewareObj<AdminEvent, AdminResult> {
  const maxBodyBytes = options.maxBodyBytes ?? 6 * 1024 * 1024;
  return {
    before: async (request) => {
      const event = request.event;
      const headers = lowerCaseHeaders(event);
      const query = event.queryStringParameters ?? {};
      const language = operatorLanguage(query.lang, headers['accept-language'], options.defaultLanguage);
      // API Gateway's view of the TCP peer; a client cannot set it with a header.
      const sourceIp = event.requestContext?.http?.sourceIp || 'unknown';
      // A key that cannot be read is a MissingSecretError: onError answers 503 naming the secret.
      const keys = await adminKeys(options);
      const refusal = await keyRefusal(options, keys, bearer(headers.authorization), sourceIp, event.rawPath);
      if (refusal instanceof AdminError) return errorResponse(refusal, language);
      const raw = event.body ?? '';
      const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (body.length > maxBodyBytes) return errorResponse(new PayloadTooLargeError(), language);
      const path = event.rawPath.startsWith(ADMIN_API_PREFIX) ? event.rawPath.slice(ADMIN_API_PREFIX.length) : event.rawPath;
      event.admin = { method: event.requestContext.http.method.toUpperCase(), path, query, headers, body, language, actor: { key: refusal, sourceIp } };
      return undefined;
    },
    onError: async (request) => {
      const language = request.event.admin?.language ?? options.defaultLanguage;
      const error = request.error;
      if (error instanceof AdminError) {
        request.response = errorResponse(error, language);
        return;
      }
      if (error instanceof AuditUnavailableError) {
        options.logger.error('audit trail could not be written; the change was not made', { error, path: request.event.rawPath.slice(0, 100) });
        request.response = errorResponse(new UnavailableError('audit_unavailable'), language);
        return;
      }
      if (error instanceof InvalidCursorError) {
        request.response = errorResponse(new AdminError(400, 'invalid_cursor'), language);
        return;
      }
      if (error instanceof MissingSecretError) {
        // The operator (or whoever deploys) must set it: say which, never its value.
        options.logger.error('admin API unavailable: a secret it needs cannot be read', { secret: error.secretName, problem: error.problem, error });
        request.response = errorResponse(new AdminError(503, 'secret_missing', [], { secret: error.secretName, problem: error.problem }), language);
        return;
      }
      options.logger.error('admin request failed', { error: error as Error, path: request.event.rawPath.slice(0, 100) });
      request.response = errorResponse(new AdminError(500, 'internal'), language);
    },
  };
}

/**
 * The key that was presented, or why the request is refused: 429 while the address is locked,
 * 401 for a missing or wrong key (a wrong one is counted), 503 when the counters cannot be
 * used (fail closed). A missing key is not a guess and is not counted.
 */
async function adminKeys(options: AdminHttpOptions): Promise<{ readonly current: string; readonly next: string | undefined }> {
  const read = async <T>(key: T | (() => Promise<T>)): Promise<T> => (typeof key === 'function' ? (key as () => Promise<T>)() : key);
  const [current, next] = await Promise.all([read(options.adminApiKey), read(options.adminApiKeyNext)]);
  return { current, next };
}

async function keyRefusal(
  options: AdminHttpOptions,
  keys: { readonly current: string; readonly next: string | undefined },
  presented: string | undefined,
  sourceIp: string,
  path: string,
): Promise<AdminKeyId | AdminError> {
  const { limiter, lockSeconds } = options.wrongKeys;
  const counter = wrongKeyCounter(sourceIp);
  try {
    if (await limiter.isLocked([counter])) {
      options.logger.warn('refused an admin request from a locked address', { sourceIp, path: path.slice(0, 100) });
      return new TooManyAttemptsError(lockSeconds);
    }
    const key = matchingAdminKey(presented, keys.current, keys.next);
    if (key) return key;
    options.logger.warn('rejected an admin request without a valid key', { sourceIp, path: path.slice(0, 100) });
    if (presented === undefined) return new UnauthorizedError();
    return (await limiter.recordFailure([counter])) ? new TooManyAttemptsError(lockSeconds) : new UnauthorizedError();
  } catch (error) {
    options.logger.error('admin key limiter unavailable; refusing the request', { error: error as Error });
    return new UnavailableError('admin_limiter_unavailable', { cause: error });
  }
}
