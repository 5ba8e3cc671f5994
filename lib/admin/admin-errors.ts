/**
 * Named errors of the admin API, each with the HTTP status it maps to in one place
 * (lib/http/admin-request.ts). `code` is a message key of admin-messages.ts.
 */
import type { FieldError } from '../config/module-schema';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly errors: readonly FieldError[] = [],
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

export class UnauthorizedError extends AdminError {
  override readonly name = 'UnauthorizedError';
  constructor() {
    super(401, 'unauthorized');
  }
}

export class NotFoundError extends AdminError {
  override readonly name = 'NotFoundError';
  constructor(code = 'not_found') {
    super(404, code);
  }
}

export class MethodNotAllowedError extends AdminError {
  override readonly name = 'MethodNotAllowedError';
  constructor(readonly allowed: readonly string[]) {
    super(405, 'method_not_allowed');
  }
}

export class BadRequestError extends AdminError {
  override readonly name = 'BadRequestError';
  constructor(code: string, errors: readonly FieldError[] = [], options?: { cause?: unknown }) {
    super(400, code, errors, {}, options);
  }
}

/** The request was understood but a field is wrong: each error names its field. */
export class InvalidFieldsError extends AdminError {
  override readonly name = 'InvalidFieldsError';
  constructor(errors: readonly FieldError[], details: Record<string, unknown> = {}) {
    super(422, 'invalid_fields', errors, details);
  }
}

/** The change would break something that exists (a taken code, a destination in use). */
export class ConflictError extends AdminError {
  override readonly name = 'ConflictError';
  constructor(code: string, errors: readonly FieldError[] = [], details: Record<string, unknown> = {}) {
    super(409, code, errors, details);
  }
}

export class PayloadTooLargeError extends AdminError {
  override readonly name = 'PayloadTooLargeError';
  constructor() {
    super(413, 'payload_too_large');
  }
}

export class UnsupportedMediaTypeError extends AdminError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(code = 'unsupported_media_type') {
    super(415, code);
  }
}

/** A collaborator the route needs is not configured or not answering (CRM down, uploads not wired). */
export class UnavailableError extends AdminError {
  override readonly name = 'UnavailableError';
  constructor(code: string, options?: { cause?: unknown }) {
    super(503, code, [], {}, options);
  }
}

/** Too many wrong admin keys from this address: refused until the lock runs out. */
export class TooManyAttemptsError extends AdminError {
  override readonly name = 'TooManyAttemptsError';
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts');
  }
}
