/** The audit trail of admin changes for the panel's Activity page: newest first, filterable. */
import { AUDIT_AREAS, type AdminKeyId } from '../../audit/audit-trail';
import { adminFieldError } from '../admin-messages';
import { BadRequestError } from '../admin-errors';
import type { AdminDeps } from '../admin-deps';
import type { AdminRequest, AdminRouter } from '../admin-router';
import { ok, queryChoice, queryInt } from '../request-body';
import { dayRange } from './call-log-routes';

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'enable', 'disable', 'upload', 'remove', 'import', 'handle'] as const;
const KEYS: readonly AdminKeyId[] = ['current', 'next'];

/** A target is a code, a source name or `<module>/<prompt>`: anything else cannot match and is refused. */
function targetFilter(request: AdminRequest): { target?: string } {
  const target = request.query.target?.trim();
  if (!target) return {};
  if (!/^[\p{L}\p{N}_./:-]{1,130}$/u.test(target)) throw new BadRequestError('invalid_query', [adminFieldError('target', 'invalid', request.language)]);
  return { target };
}

function actionFilter(request: AdminRequest): { action?: string } {
  const action = request.query.action;
  if (action === undefined || action === '') return {};
  // Other areas (payments) may add actions: any short word is a valid filter.
  if (!/^[a-z][a-z-]{0,31}$/.test(action)) throw new BadRequestError('invalid_query', [adminFieldError('action', 'invalid', request.language)]);
  return { action };
}

export function addAuditRoutes(router: AdminRouter, deps: AdminDeps): void {
  router.add(
    'GET',
    '/audit',
    {
      summary: 'Activity: every admin change (who: which key and address; what: before and after, never a secret), newest first',
      tag: 'audit',
      query: [
        { name: 'area', description: AUDIT_AREAS.join(', '), schema: { type: 'string', enum: AUDIT_AREAS } },
        { name: 'action', description: `${AUDIT_ACTIONS.join(', ')}, …` },
        { name: 'target', description: 'A module or destination code, a lookup source name, `<module>/<prompt>`' },
        { name: 'key', description: 'current or next admin key', schema: { type: 'string', enum: KEYS } },
        { name: 'from', description: 'First day, YYYY-MM-DD (UTC); default 30 days before `to`' },
        { name: 'to', description: 'Last day, YYYY-MM-DD (UTC); default today' },
        { name: 'limit', description: '1–200, default 50', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        { name: 'cursor', description: 'nextCursor of the previous page' },
      ],
      errors: [400],
    },
    async (request) => {
      const area = queryChoice(request, 'area', AUDIT_AREAS);
      const key = queryChoice(request, 'key', KEYS);
      const cursor = request.query.cursor;
      return ok(
        await deps.audit.search({
          ...dayRange(deps, request, 30),
          ...(area ? { area } : {}),
          ...(key ? { key } : {}),
          ...actionFilter(request),
          ...targetFilter(request),
          limit: queryInt(request, 'limit', 50, 1, 200),
          ...(cursor ? { cursor } : {}),
        }),
      );
    },
  );
}
