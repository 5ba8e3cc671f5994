/**
 * Runs the customer club flow for one webhook step, performing the lookups it asks for:
 * identity through the module's CRM, and the telephone-password check with its lockout.
 */
import { verifyPhonePassword } from '../auth/password-hash';
import { decideClub, type ClubFlowContext, type ClubLookups, type ClubNeed, type PasswordOutcome } from '../flow/club-flow';
import type { FlowInput, Respond } from '../flow/module-visit';
import type { Session } from '../domain/session';
import type { AppLogger } from '../observability/logger';
import { canonicalPhone } from '../domain/phone';
import type { AttemptLimiter } from '../auth/attempt-limiter';
import type { Crm, CrmResolver } from '../crm/crm';
import type { IdentityResult } from '../domain/customer';
import { lookupInModuleCrm } from './module-crm-lookup';
import { runWithLookups } from './run-with-lookups';

export interface ClubLookupDeps {
  readonly crms: CrmResolver;
  /** Without one, password identification fails closed (apology, error destination). */
  readonly attempts?: AttemptLimiter | undefined;
  readonly logger: AppLogger;
}

const MAX_LOOKUPS = 4;

export function runClubFlow(deps: ClubLookupDeps, ctx: ClubFlowContext, previous: Session | undefined, input: FlowInput): Promise<Respond> {
  return runWithLookups<ClubLookups, ClubNeed>({
    decide: (lookups) => decideClub(ctx, previous, input, lookups),
    lookup: (need) => clubLookup(deps, ctx, need),
    maxLookups: MAX_LOOKUPS,
    flowName: 'club flow',
  });
}

async function clubLookup(deps: ClubLookupDeps, ctx: ClubFlowContext, need: ClubNeed): Promise<ClubLookups> {
  return lookupInModuleCrm(
    deps,
    ctx.module,
    need.kind,
    async (crm): Promise<ClubLookups> => {
      switch (need.kind) {
        case 'identify-by-phone':
          return { identity: await crm.identifyByPhone(need.phone) };
        case 'identify-by-customer-number':
          return { identity: await crm.identifyByCustomerNumber(need.customerNumber) };
        case 'check-password':
          return { password: await checkPassword(deps, crm, need) };
      }
    },
    (failed): ClubLookups => (need.kind === 'check-password' ? { password: failed } : { identity: failed satisfies IdentityResult }),
  );
}

/**
 * Lockout first (a locked key is not even checked), then the password; a wrong one counts
 * against both the customer number and the calling number. An unknown customer number gets
 * the same scrypt work and the same answer as a wrong password.
 */
async function checkPassword(deps: ClubLookupDeps, crm: Crm, need: Extract<ClubNeed, { kind: 'check-password' }>): Promise<PasswordOutcome> {
  if (!crm.verifyPhonePassword) return { status: 'unsupported', source: crm.source };
  if (!deps.attempts) return { status: 'failed', source: 'attempt-limiter', reason: 'not-configured' };
  const customerKey = `customer-number#${crm.source}#${need.customerNumber}`;
  const keys = [customerKey, `caller#${canonicalPhone(need.caller) ?? need.caller}`];
  if (await deps.attempts.isLocked(keys)) return { status: 'locked' };
  const result = need.customer
    ? await crm.verifyPhonePassword(need.customer, need.password)
    : await verifyPhonePassword(need.password, undefined).then(() => ({ status: 'mismatch' as const }));
  if (result.status === 'match') {
    await deps.attempts.clear(customerKey);
    return { status: 'accepted' };
  }
  if (result.status === 'mismatch') return { status: 'rejected', locked: await deps.attempts.recordFailure(keys) };
  return result;
}
