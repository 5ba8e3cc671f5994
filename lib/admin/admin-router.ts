/** A small router for the admin API: `GET /modules/:code` style patterns, nothing more. */
import type { AuditActor } from '../audit/audit-trail';
import type { Language } from '../config/module-schema';
import { BadRequestError, MethodNotAllowedError, NotFoundError } from './admin-errors';

export interface AdminRequest {
  readonly method: string;
  /** Path below /admin/api, e.g. `/modules/balance-en`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  readonly language: Language;
  /** Who is asking: which admin key (current or next) and from which address; every audit entry names it. */
  readonly actor: AuditActor;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

export type RouteHandler = (request: AdminRequest, params: Readonly<Record<string, string>>) => Promise<AdminResponse>;

/** What the OpenAPI document says about a route. */
export interface RouteDoc {
  readonly summary: string;
  readonly tag: string;
  /** Name of a component schema the JSON body follows, or a media type for raw bodies. */
  readonly body?: { readonly schema?: string; readonly mediaType?: string };
  readonly query?: readonly { readonly name: string; readonly description: string; readonly schema?: Record<string, unknown> }[];
  /** Statuses other than 200 the route answers with on purpose. */
  readonly errors?: readonly number[];
  readonly response?: string;
}

export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
  readonly doc: RouteDoc;
}

export class AdminRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, doc: RouteDoc, handler: RouteHandler): this {
    this.routes.push({ method, pattern, segments: split(pattern), handler, doc });
    return this;
  }

  list(): readonly Route[] {
    return this.routes;
  }

  async handle(request: AdminRequest): Promise<AdminResponse> {
    const segments = split(request.path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = match(route.segments, segments);
      if (!params) continue;
      if (route.method === request.method) return route.handler(request, params);
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw new MethodNotAllowedError(allowed);
    throw new NotFoundError();
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch (error) {
        throw new BadRequestError('not_found', [], { cause: error });
      }
    } else if (expected !== actual) return undefined;
  }
  return params;
}
