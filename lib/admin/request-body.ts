/** Reading bodies and query values of admin requests, with errors an operator can act on. */
import { adminFieldError } from './admin-messages';
import { BadRequestError, UnsupportedMediaTypeError } from './admin-errors';
import type { AdminRequest } from './admin-router';

export function contentType(request: AdminRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function readJson(request: AdminRequest): unknown {
  const type = contentType(request);
  if (type !== 'application/json' && type !== '') throw new UnsupportedMediaTypeError();
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch (error) {
    throw new BadRequestError('invalid_json', [], { cause: error });
  }
}

export function readText(request: AdminRequest): string {
  return request.body.toString('utf8');
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function queryDay(request: AdminRequest, name: string, fallback: string): string {
  const value = request.query[name];
  if (value === undefined || value === '') return fallback;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new BadRequestError('invalid_query', [adminFieldError(name, 'invalid', request.language)]);
  return value;
}

export function queryInt(request: AdminRequest, name: string, fallback: number, min: number, max: number): number {
  const value = request.query[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequestError('invalid_query', [adminFieldError(name, 'invalid', request.language)]);
  return n;
}

export function queryChoice<T extends string>(request: AdminRequest, name: string, choices: readonly T[]): T | undefined {
  const value = request.query[name];
  if (value === undefined || value === '') return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new BadRequestError('invalid_query', [adminFieldError(name, 'invalid', request.language)]);
  return value as T;
}

export const ok = (body: unknown) => ({ status: 200, body });
export const created = (body: unknown) => ({ status: 201, body });
