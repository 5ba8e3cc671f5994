/**
 * The three CRM decorators (resilient, stored source, metered) built one way: every operation
 * of the port is forwarded, the optional password check exactly when the wrapped CRM has it,
 * and the port's operation table is checked by the compiler.
 */
import { dirname, join } from 'node:path';
import { moduleCurrency } from '../../lib/domain/money';
import ts from 'typescript';
import type { LookupSource } from '../../lib/config/lookup-source-schema';
import type { Crm } from '../../lib/crm/crm';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { CRM_OPERATIONS, type CrmAnswer, type CrmOperation, type OperationTable } from '../../lib/crm/decorate-crm';
import type { LookupSourceStore } from '../../lib/crm/lookup-source-store';
import { MeteredCrmResolver, meteredCrm } from '../../lib/crm/metered-crm';
import { resilientCrm, type ResilienceOptions } from '../../lib/crm/resilient-crm';
import { CircuitBreaker } from '../../lib/domain/circuit-breaker';
import type { Customer } from '../../lib/domain/customer';
import type { MetricsRecorder } from '../../lib/observability/metrics';
import { EnvSecretResolver } from '../../lib/secrets/env-secret-resolver';

const customer: Customer = { id: 'c-1', customerNumber: '1001' };

/** Arguments for each operation; typed by the port, so a new operation must be added here too. */
const ARGS: { [K in CrmOperation]: Parameters<NonNullable<Crm[K]>> } = {
  identifyByPhone: ['+15005550001'],
  identifyByCustomerNumber: ['1001'],
  balance: [customer, 'IRR'],
  findItem: [customer, { type: 'invoice', number: 'I-1', searchField: 'Number', valueField: 'FinalValue', currency: 'IRR' }],
  createPaymentLink: [
    { customer, amount: 5, mobile: '+989121111111', items: [], invoiceType: 'invoice', language: 'en', callSid: 'CA1', currency: moduleCurrency('IRR') },
  ],
  moneyAccounts: [],
  itemTypes: [],
  verifyPhonePassword: [customer, '2468'],
  identifyWithBalance: ['+15005550001', 'USD'],
};

/** A distinct answer per operation, so a wrapper that mixes them up is caught. */
const ANSWERS: { [K in CrmOperation]: CrmAnswer<K> } = {
  identifyByPhone: { status: 'found', customer },
  identifyByCustomerNumber: { status: 'not-found' },
  balance: { status: 'ok', owed: 1250, credit: 0 },
  findItem: { status: 'found', item: { type: 'invoice', number: 'I-1', amount: 7, paid: false } },
  createPaymentLink: { status: 'created', url: 'https://pay.example.com/l/1', deliveredByCrm: false },
  moneyAccounts: [{ key: 'acc', name: 'Account' }],
  itemTypes: [{ key: 'inv', name: 'Invoice', type: 'invoice' }],
  verifyPhonePassword: { status: 'match' },
  identifyWithBalance: { status: 'found', customer, balance: { status: 'ok', owed: 1250, credit: 0 } },
};

const OPERATIONS = Object.keys(CRM_OPERATIONS) as CrmOperation[];

type Recorded = { operation: string; args: unknown[] };

/** A CRM that records what reached it; `withPasswords: false` leaves the optional check out. */
function recordingCrm(options: {
  withPasswords: boolean;
  withFastPath?: boolean;
  source?: string;
  verify?: Crm['verifyPhonePassword'];
}): Crm & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  const crm: Record<string, unknown> = { source: options.source ?? 'inner', calls };
  for (const operation of OPERATIONS) {
    if (operation === 'verifyPhonePassword' && !options.withPasswords) continue;
    if (operation === 'identifyWithBalance' && options.withFastPath === false) continue;
    crm[operation] = async (...args: unknown[]) => {
      calls.push({ operation, args });
      if (operation === 'verifyPhonePassword' && options.verify) return options.verify(...(args as [Customer, string]));
      return ANSWERS[operation];
    };
  }
  return crm as unknown as Crm & { calls: Recorded[] };
}

function call(crm: Crm, operation: CrmOperation): Promise<unknown> {
  const method = crm[operation] as ((...args: unknown[]) => Promise<unknown>) | undefined;
  if (!method) throw new Error(`${operation} is missing`);
  return method.apply(crm, ARGS[operation]);
}

const resilience: ResilienceOptions = { timeoutMs: 300, failureThreshold: 2, openMs: 60_000 };
const noMetrics: MetricsRecorder = { add() {} };

class MemorySourceStore implements LookupSourceStore {
  readonly sources = new Map<string, LookupSource>();
  async getSource(name: string) {
    return this.sources.get(name);
  }
  async putSource(source: LookupSource) {
    this.sources.set(source.name, source);
  }
  async listSources() {
    return [...this.sources.values()];
  }
  async createSource(source: LookupSource) {
    if (this.sources.has(source.name)) return false;
    this.sources.set(source.name, source);
    return true;
  }
  async updateSource(source: LookupSource) {
    if (!this.sources.has(source.name)) return false;
    this.sources.set(source.name, source);
    return true;
  }
  async deleteSource(name: string) {
    return this.sources.delete(name);
  }
}

const storedDefinition: LookupSource = { name: 'stored', type: 'http', host: 'http://127.0.0.1:9', auth: 'none', itemTypeKeys: {}, currency: 'IRR' };

/** A resolver with one stored source whose adapter is `adapter` (the network is never used). */
function storedResolver(adapter: Crm, options: Partial<ResilienceOptions> = {}) {
  const store = new MemorySourceStore();
  store.sources.set(storedDefinition.name, storedDefinition);
  return new NamedCrmResolver(new Map(), {
    store,
    secrets: new EnvSecretResolver({}),
    build: () => adapter,
    resilience: { ...resilience, ...options },
    definitionTtlMs: 60_000,
  });
}

const decorators: Array<[string, (inner: Crm) => Crm]> = [
  ['resilient', (inner) => resilientCrm(inner, new CircuitBreaker(2, 60_000), resilience)],
  ['metered', (inner) => meteredCrm(inner, noMetrics)],
  ['stored source', (inner) => storedResolver(inner).forSource('stored')],
  ['metered stored source', (inner) => new MeteredCrmResolver(storedResolver(inner), noMetrics).forSource('stored')],
];

describe.each(decorators)('the %s CRM', (_name, decorate) => {
  it.each(OPERATIONS)('forwards %s with its arguments and answers what the CRM answered', async (operation) => {
    const inner = recordingCrm({ withPasswords: true });
    const crm = decorate(inner);
    expect(await call(crm, operation)).toEqual(ANSWERS[operation]);
    expect(inner.calls).toEqual([{ operation, args: ARGS[operation] }]);
  });

  it('keeps the source name of the CRM it wraps', () => {
    expect(decorate(recordingCrm({ withPasswords: true, source: 'stored' })).source).toBe('stored');
  });
});

describe('a CRM without the optional password check', () => {
  it.each(decorators.filter(([name]) => !name.includes('stored')))('is not given one by the %s decorator', (_name, decorate) => {
    const crm = decorate(recordingCrm({ withPasswords: false }));
    expect(crm.verifyPhonePassword).toBeUndefined();
    expect('verifyPhonePassword' in crm).toBe(false);
  });

  it('behind a stored source answers unsupported without calling anything (its adapter is only known per call)', async () => {
    const inner = recordingCrm({ withPasswords: false });
    const crm = storedResolver(inner).forSource('stored');
    expect(await crm.verifyPhonePassword!(customer, '2468')).toEqual({ status: 'unsupported', source: 'inner' });
    expect(inner.calls).toEqual([]);
  });
});

describe('a CRM without the one-read identity and balance', () => {
  it.each(decorators.filter(([name]) => !name.includes('stored')))('is not given one by the %s decorator', (_name, decorate) => {
    const crm = decorate(recordingCrm({ withPasswords: true, withFastPath: false }));
    expect('identifyWithBalance' in crm).toBe(false);
  });

  it('behind a stored source answers unsupported without calling anything, so callers identify and ask the balance as before', async () => {
    const inner = recordingCrm({ withPasswords: true, withFastPath: false });
    const crm = storedResolver(inner).forSource('stored');
    expect(await crm.identifyWithBalance!('+15005550001', 'IRR')).toEqual({ status: 'unsupported', source: 'inner' });
    expect(inner.calls).toEqual([]);
  });
});

describe('the password check behind the time budget and the breaker', () => {
  const never = () => new Promise<never>(() => {});

  it('times out like any lookup, and repeated failures open the breaker so the CRM is not asked again', async () => {
    const inner = recordingCrm({ withPasswords: true, verify: never });
    const breaker = new CircuitBreaker(2, 60_000);
    const crm = resilientCrm(inner, breaker, resilience);
    const started = Date.now();
    expect(await crm.verifyPhonePassword!(customer, '2468')).toEqual({ status: 'failed', source: 'inner', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await crm.verifyPhonePassword!(customer, '2468')).toEqual({ status: 'failed', source: 'inner', reason: 'timeout' });
    expect(breaker.state).toBe('open');
    expect(await crm.verifyPhonePassword!(customer, '2468')).toEqual({ status: 'failed', source: 'inner', reason: 'circuit-open' });
    expect(inner.calls).toHaveLength(2);
  });

  it('counts a wrong password as the CRM working, not as a failure', async () => {
    const inner = recordingCrm({ withPasswords: true, verify: async () => ({ status: 'mismatch' }) });
    const breaker = new CircuitBreaker(1, 60_000);
    const crm = resilientCrm(inner, breaker, resilience);
    for (let i = 0; i < 3; i += 1) expect(await crm.verifyPhonePassword!(customer, '0000')).toEqual({ status: 'mismatch' });
    expect(breaker.state).toBe('closed');
  });

  it('of a stored source goes through its deadline too', async () => {
    const inner = recordingCrm({ withPasswords: true, verify: never });
    const crm = storedResolver(inner).forSource('stored');
    expect(await crm.verifyPhonePassword!(customer, '2468')).toEqual({ status: 'failed', source: 'inner', reason: 'timeout' });
  });

  it('is measured by the metered decorator under its own operation name', async () => {
    const data: Array<{ name: string; dimensions: Readonly<Record<string, string>> }> = [];
    const crm = meteredCrm(recordingCrm({ withPasswords: true, verify: async () => ({ status: 'failed', source: 'inner', reason: 'timeout' }) }), {
      add: (name, _unit, _value, dimensions) => data.push({ name, dimensions }),
    });
    await crm.verifyPhonePassword!(customer, '2468');
    expect(data).toEqual([
      { name: 'CrmLatency', dimensions: { source: 'inner', operation: 'verifyPhonePassword' } },
      { name: 'CrmFailure', dimensions: { source: 'inner', operation: 'verifyPhonePassword' } },
    ]);
  });
});

describe('the operation table is checked by the compiler', () => {
  /** A port with one more operation than Crm: the table must describe it before it compiles. */
  interface CrmWithRefund extends Crm {
    refund(customer: Customer, amount: number): Promise<{ status: 'refunded' } | { status: 'failed'; source: string; reason: string }>;
  }

  it('rejects the current table for a port with one more operation (tsc checks the line below)', () => {
    // @ts-expect-error refund is not described: adding an operation to the port fails to compile until it is.
    const table: OperationTable<CrmWithRefund> = CRM_OPERATIONS;
    expect(Object.keys(table)).not.toContain('refund');
  });

  const header = `import type { Crm } from '../../lib/crm/crm';\nimport { CRM_OPERATIONS, type OperationTable } from '../../lib/crm/decorate-crm';\n`;
  /** Files type-checked as if they sat in this folder (one program: compiling is the slow part). */
  const cases = {
    unchanged: `${header}export const same: OperationTable<Crm> = CRM_OPERATIONS;\n`,
    newOperation:
      `${header}interface Wider extends Crm { refund(id: string): Promise<{ status: 'ok' }> }\n` +
      `export const wider: OperationTable<Wider> = CRM_OPERATIONS;\n` +
      `export const extra: OperationTable<Crm> = { ...CRM_OPERATIONS, refund: { failure: 'throw', idempotent: false } };\n`,
    wrongTraits:
      `${header}export const noAbsent: OperationTable<Crm> = { ...CRM_OPERATIONS, verifyPhonePassword: { failure: 'answer', idempotent: true } };\n` +
      `export const wrongMode: OperationTable<Crm> = { ...CRM_OPERATIONS, moneyAccounts: { failure: 'answer', idempotent: true } };\n`,
  };
  let errors: Record<keyof typeof cases, string[]>;

  beforeAll(() => {
    const configPath = join(__dirname, '..', '..', 'tsconfig.json');
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, dirname(configPath));
    const files = new Map(Object.entries(cases).map(([name, text]) => [join(__dirname, `type-check-${name}.ts`), text]));
    const host = ts.createCompilerHost(config.options);
    const { readFile, fileExists, getSourceFile } = host;
    host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
    host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
    host.getSourceFile = (name, language, ...rest) => {
      const text = files.get(name);
      return text === undefined ? getSourceFile.call(host, name, language, ...rest) : ts.createSourceFile(name, text, language);
    };
    const program = ts.createProgram([...files.keys()], { ...config.options, types: [], noEmit: true }, host);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    errors = Object.fromEntries(
      Object.keys(cases).map((name) => [
        name,
        diagnostics
          .filter((d) => d.file?.fileName === join(__dirname, `type-check-${name}.ts`))
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      ]),
    ) as typeof errors;
  }, 60_000);

  it('compiles the table as it is (so the cases below fail for their reason, not a broken setup)', () => {
    expect(errors.unchanged).toEqual([]);
  });

  it('fails to compile a port operation the table does not describe, and a table entry the port does not have', () => {
    expect(errors.newOperation).toEqual([
      expect.stringContaining("Property 'refund' is missing"),
      expect.stringContaining("'refund' does not exist in type 'OperationTable<Crm>'"),
    ]);
  });

  it('fails to compile an optional operation without its "absent" answer, or a wrong failure mode', () => {
    expect(errors.wrongTraits).toHaveLength(2);
    expect(errors.wrongTraits[0]).toContain("'absent'");
    expect(errors.wrongTraits[1]).toContain(`Type '"answer"' is not assignable to type '"throw"'`);
  });
});
