/**
 * The customer club call flow as a pure state machine, in the same shape as balance-flow:
 * `decide` answers either "I need this lookup" or "respond with these actions". It identifies
 * the caller and hands them on; a module destination receives the customer inside the
 * stored session (see module-visit's handOn), so the next module does not identify again.
 *
 * Steps by identification method:
 *   caller-number                  entry ─ identify From ─ found → welcome → next
 *   customer-number                entry → customer-number ─ identify ─ found → welcome → next
 *                                                           └ not found → wrongNumber, again (maxAttempts)
 *   customer-number-and-password   entry → customer-number → password ─ identify + check ─ ok → welcome → next
 *                                                                      └ wrong → wrongPassword, again from the number
 * The caller is never told whether the number or the password was wrong: both paths ask for
 * the same check (with no customer when the number is unknown) and hear the same prompt.
 * Locked (too many wrong passwords for this customer number or calling number) →
 * authenticationError → error destination. Every failure ends at the error destination.
 */
import { CLUB_PROMPTS, type ClubPromptName } from '../config/module-constants';
import type { ClubModule } from '../config/module-schema';
import type { Customer, IdentityResult } from '../domain/customer';
import { toAsciiDigits } from '../domain/phone';
import type { SpeechItem } from '../domain/speech-item';
import type { Session } from '../domain/session';
import { ask, continueAt, enterModule, handOn, lookupFailed, p, retry, type FlowInput, type Respond, type VisitContext } from './module-visit';

export type ClubFlowContext = VisitContext<ClubModule>;

/** What the password check found, lockout included (performed by lib/voice/club-lookups). */
export type PasswordOutcome =
  | { readonly status: 'accepted' }
  | { readonly status: 'rejected'; readonly locked: boolean }
  | { readonly status: 'locked' }
  | { readonly status: 'unsupported'; readonly source: string }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

export interface ClubLookups {
  readonly identity?: IdentityResult;
  readonly password?: PasswordOutcome;
}

export type ClubNeed =
  | { readonly kind: 'identify-by-phone'; readonly phone: string }
  | { readonly kind: 'identify-by-customer-number'; readonly customerNumber: string }
  | {
      readonly kind: 'check-password';
      /** Absent when the number matched nobody: the check still runs (same work, same answer). */
      readonly customer?: Customer;
      readonly customerNumber: string;
      readonly password: string;
      readonly caller: string;
    };

export type ClubDecision = { readonly kind: 'need'; readonly need: ClubNeed } | Respond;

/** Customer numbers and passwords are typed on the keypad: up to 20 digits. */
const KEYPAD_DIGITS = /^[0-9]{1,20}$/;

export function decideClub(ctx: ClubFlowContext, previous: Session | undefined, input: FlowInput, lookups: ClubLookups): ClubDecision {
  const session = input.step === 'entry' ? enterModule(ctx, previous, input) : continueAt(ctx, previous, input);
  if ('kind' in session) return session;
  switch (input.step) {
    case 'entry':
      return afterEntry(ctx, session, lookups);
    case 'customer-number':
      return afterCustomerNumber(ctx, session, input.digits, lookups);
    case 'password':
      return afterPassword(ctx, session, input.digits, lookups);
    default:
      return handOn(ctx, session, 'error', [p('apology')], 'error', 'session-lost');
  }
}

function afterEntry(ctx: ClubFlowContext, session: Session, lookups: ClubLookups): ClubDecision {
  // Already identified upstream (a hand-over naming this module): nothing to ask.
  if (session.customer) return welcome(ctx, session, say(ctx, 'intro'));
  if (ctx.module.identification !== 'caller-number') return askCustomerNumber(ctx, { ...session, attempts: 0 }, say(ctx, 'intro'));
  const identity = lookups.identity;
  if (!identity) return { kind: 'need', need: { kind: 'identify-by-phone', phone: session.from } };
  if (identity.status === 'failed') return lookupFailed(ctx, session, identity);
  if (identity.status === 'not-found') return handOn(ctx, session, 'error', say(ctx, 'intro', 'authenticationError'), 'error', 'not-identified');
  return welcome(ctx, { ...session, customer: identity.customer, identifiedBy: 'caller' }, say(ctx, 'intro'));
}

function askCustomerNumber(ctx: ClubFlowContext, session: Session, before: SpeechItem[]): Respond {
  const { customerNumber: _forgotten, ...rest } = session;
  return ask(ctx, rest, 'customer-number', [...before, ...say(ctx, 'enterCustomerNumber')]);
}

function afterCustomerNumber(ctx: ClubFlowContext, session: Session, digits: string | undefined, lookups: ClubLookups): ClubDecision {
  const typed = keypadDigits(digits);
  const withPassword = ctx.module.identification === 'customer-number-and-password';
  if (!KEYPAD_DIGITS.test(typed))
    return retryCustomerNumber(ctx, session, withPassword ? 'wrongPassword' : 'wrongNumber', typed === '' ? 'no-input' : 'customer-number-format');
  const customerNumber = `${ctx.module.customerNumberPrefix ?? ''}${typed}`;
  if (withPassword) {
    // The number is not looked up yet: whether it exists is only ever answered together with the password.
    return ask(ctx, { ...session, customerNumber }, 'password', say(ctx, 'enterPassword'));
  }
  const identity = lookups.identity;
  if (!identity) return { kind: 'need', need: { kind: 'identify-by-customer-number', customerNumber } };
  if (identity.status === 'failed') return lookupFailed(ctx, session, identity);
  if (identity.status === 'not-found') return retryCustomerNumber(ctx, session, 'wrongNumber', 'customer-number-not-found');
  return welcome(ctx, { ...session, customer: identity.customer, identifiedBy: 'customer-number', customerNumber }, []);
}

function afterPassword(ctx: ClubFlowContext, session: Session, digits: string | undefined, lookups: ClubLookups): ClubDecision {
  const customerNumber = session.customerNumber ?? '';
  const password = keypadDigits(digits);
  // Nothing (or not digits) typed: no guess was made, so nothing is looked up or counted against a lockout.
  if (!KEYPAD_DIGITS.test(password)) return retryCustomerNumber(ctx, session, 'wrongPassword', password === '' ? 'no-input' : 'password-format');
  const identity = lookups.identity;
  if (!identity) return { kind: 'need', need: { kind: 'identify-by-customer-number', customerNumber } };
  if (identity.status === 'failed') return lookupFailed(ctx, session, identity);
  const check = lookups.password;
  if (!check) {
    const customer = identity.status === 'found' ? identity.customer : undefined;
    return { kind: 'need', need: { kind: 'check-password', ...(customer ? { customer } : {}), customerNumber, password, caller: session.from } };
  }
  switch (check.status) {
    case 'accepted':
      if (identity.status !== 'found') return handOn(ctx, session, 'error', [p('apology')], 'error', 'password-check-inconsistent');
      return welcome(ctx, { ...session, customer: identity.customer, identifiedBy: 'password' }, []);
    case 'locked':
      return handOn(ctx, session, 'error', say(ctx, 'authenticationError'), 'error', 'locked');
    case 'rejected':
      if (check.locked)
        return handOn(ctx, { ...session, attempts: session.attempts + 1 }, 'error', say(ctx, 'wrongPassword', 'authenticationError'), 'error', 'locked');
      return retryCustomerNumber(ctx, session, 'wrongPassword', 'wrong-credentials');
    case 'unsupported':
      // Configuration problem: this lookup source keeps no telephone passwords.
      return handOn(ctx, session, 'error', [p('apology')], 'error', `password-unsupported:${check.source}`);
    case 'failed':
      return lookupFailed(ctx, session, check);
  }
}

/** A failed attempt: say what went wrong and ask again from the customer number, or give up. */
function retryCustomerNumber(ctx: ClubFlowContext, session: Session, problem: 'wrongNumber' | 'wrongPassword', reason: string): Respond {
  const { customerNumber: _forgotten, ...rest } = session;
  return retry(ctx, rest, reason, (again) => askCustomerNumber(ctx, again, say(ctx, problem)), say(ctx, problem, 'authenticationError'));
}

function welcome(ctx: ClubFlowContext, session: Session, before: SpeechItem[]): Respond {
  return handOn(ctx, session, 'next', [...before, ...say(ctx, 'welcome')], 'next');
}

/** The module's prompts in order, leaving out those set to "don't play". */
function say(ctx: ClubFlowContext, ...names: ClubPromptName[]): SpeechItem[] {
  return names.filter((name) => !isSilenced(ctx.module, name)).map((name) => p(CLUB_PROMPTS[name]));
}

function isSilenced(module: ClubModule, name: ClubPromptName): boolean {
  const prompt = module.prompts[name];
  return prompt !== undefined && 'play' in prompt && prompt.play === false;
}

/** Keypad input → ASCII digits (Persian/Arabic-Indic digits too), without the finishing key. */
export function keypadDigits(raw: string | undefined): string {
  return toAsciiDigits(raw ?? '')
    .replace(/[#*\s]/g, '')
    .trim();
}
