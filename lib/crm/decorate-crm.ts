/**
 * The one way to wrap the Crm port (resilient, stored-source and metered CRMs all use it).
 *
 * Every wrapper is built from CRM_OPERATIONS, a table with one entry per port operation. The
 * table's type is derived from the port itself, so an operation added to (or removed from)
 * `Crm` fails to compile here until it is described — and once it is, every decorator handles
 * it, because none of them lists methods by hand. A wrapper has an optional operation exactly
 * when the CRM it wraps has it: nothing is dropped, nothing invented.
 */
import type { Crm } from './crm';
import { failureReason } from './crm-errors';

/** Every operation of the Crm port: all its members but `source`. */
export type CrmOperation = Exclude<keyof Crm, 'source'>;
/** What an operation resolves to. */
export type CrmAnswer<K extends CrmOperation> = Awaited<ReturnType<NonNullable<Crm[K]>>>;

/** The answer of an operation that reports failures as values rather than throwing. */
export interface FailedAnswer {
  readonly status: 'failed';
  readonly source: string;
  readonly reason: string;
}

type AnswerOf<F> = NonNullable<F> extends (...args: never[]) => Promise<infer R> ? R : never;

/**
 * What a decorator must know about operation K of port P, checked against P's own types:
 * - `failure`: 'answer' exactly when the operation's result type has the failed answer (a
 *   failure becomes that value), 'throw' otherwise (the list operations throw the CrmError);
 * - `idempotent`: whether sending it twice is harmless, i.e. whether it may be retried;
 * - `absent`: required for an optional operation, forbidden otherwise: what a CRM without it
 *   answers, for wrappers that only learn which adapter they wrap when a call arrives.
 * A member that is not an async method makes the entry `never`, so it cannot be described.
 */
export type OperationTraits<P, K extends keyof P> =
  NonNullable<P[K]> extends (...args: never[]) => Promise<unknown>
    ? {
        readonly failure: FailedAnswer extends AnswerOf<P[K]> ? 'answer' : 'throw';
        readonly idempotent: boolean;
      } & (undefined extends P[K] ? { readonly absent: (source: string) => AnswerOf<P[K]> } : { readonly absent?: never })
    : never;

/** One entry per operation of port P: missing or extra entries are compile errors. */
export type OperationTable<P> = { readonly [K in Exclude<keyof P, 'source'>]: OperationTraits<P, K> };

export const CRM_OPERATIONS: OperationTable<Crm> = {
  identifyByPhone: { failure: 'answer', idempotent: true },
  identifyByCustomerNumber: { failure: 'answer', idempotent: true },
  balance: { failure: 'answer', idempotent: true },
  findItem: { failure: 'answer', idempotent: true },
  // Never sent twice: the CRM may already have texted the caller the first link.
  createPaymentLink: { failure: 'answer', idempotent: false },
  moneyAccounts: { failure: 'throw', idempotent: true },
  itemTypes: { failure: 'throw', idempotent: true },
  // A lookup like the others (a check changes nothing in the CRM; lockout is counted by the
  // caller, not here). A CRM without it answers every check `unsupported`, as the port says.
  verifyPhonePassword: { failure: 'answer', idempotent: true, absent: (source) => ({ status: 'unsupported', source }) },
  // The built-in ledger's one-read identity and balance; a CRM without it says so at once
  // (no request), and the lookups ask identifyByPhone and balance instead.
  identifyWithBalance: { failure: 'answer', idempotent: true, absent: (source) => ({ status: 'unsupported', source }) },
};

/** Runs one operation of the wrapped CRM on the decorator's terms (deadline, breaker, metrics…). */
export type Around = <K extends CrmOperation>(operation: K, traits: OperationTable<Crm>[K], call: () => Promise<CrmAnswer<K>>) => Promise<CrmAnswer<K>>;

type Implementation = (args: unknown[]) => Promise<unknown>;

/** A Crm with one method per table entry that `implement` gives; an entry it leaves out is absent. */
function crmFromTable(source: string, implement: (operation: CrmOperation) => Implementation | undefined): Crm {
  const crm: Record<string, unknown> = { source };
  for (const operation of Object.keys(CRM_OPERATIONS) as CrmOperation[]) {
    const run = implement(operation);
    if (run) crm[operation] = (...args: unknown[]) => run(args);
  }
  return crm as unknown as Crm;
}

function methodOf(crm: Crm, operation: CrmOperation): ((...args: unknown[]) => Promise<unknown>) | undefined {
  const method: unknown = crm[operation];
  return typeof method === 'function' ? (method as (...args: unknown[]) => Promise<unknown>) : undefined;
}

/** Wraps every operation `inner` has in `around`; an optional operation `inner` lacks stays absent. */
export function decorateCrm(inner: Crm, around: Around): Crm {
  return crmFromTable(inner.source, (operation) => {
    const method = methodOf(inner, operation);
    if (!method) return undefined;
    const traits = CRM_OPERATIONS[operation];
    return (args) => around(operation, traits, () => method.apply(inner, args) as Promise<CrmAnswer<typeof operation>>);
  });
}

/**
 * A Crm whose adapter is only known when a call arrives (a stored lookup source: loaded on
 * first use, rebuilt when its definition changes, so even its type can change). It therefore
 * has every operation; an optional one the loaded adapter lacks answers what the table says a
 * CRM without it answers. A failure to load is the operation's failure (answered or thrown).
 */
export function deferredCrm(source: string, load: () => Promise<Crm>): Crm {
  return crmFromTable(
    source,
    (operation) => (args) =>
      answerFailures(operation, source, async () => {
        const crm = await load();
        const method = methodOf(crm, operation);
        if (method) return (await method.apply(crm, args)) as CrmAnswer<typeof operation>;
        const absent = CRM_OPERATIONS[operation].absent;
        if (absent) return absent(crm.source) as CrmAnswer<typeof operation>;
        throw new TypeError(`lookup source ${crm.source} has no ${operation}`);
      }),
  );
}

/**
 * Runs an operation; when its failures are answers (CRM_OPERATIONS), a thrown error becomes the
 * failed answer naming the source and the reason. The table's type guarantees that answer is a
 * member of the operation's result type, which is what makes the one cast below sound.
 */
export async function answerFailures<K extends CrmOperation>(operation: K, source: string, call: () => Promise<CrmAnswer<K>>): Promise<CrmAnswer<K>> {
  if (CRM_OPERATIONS[operation].failure === 'throw') return call();
  try {
    return await call();
  } catch (error) {
    const failed: FailedAnswer = { status: 'failed', source, reason: failureReason(error) };
    return failed as CrmAnswer<K>;
  }
}
