/**
 * The customer club module through the real voice step, on dynalite: every identification
 * method, the telephone-password lockout, the hand-over to the balance module (one identity
 * lookup per call) and forged hand-overs, prompts set to "don't play".
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NamedCrmResolver } from '../../lib/crm/crm-resolver';
import { LedgerCrm } from '../../lib/ledger/ledger-crm';
import { DynamoLedgerWriter } from '../../lib/ledger/dynamo-ledger-writer';
import type { Session } from '../../lib/domain/session';
import { applyImport, parseImportDocument } from '../../lib/ledger/import/import-document';
import type { AppLogger } from '../../lib/observability/logger';
import type { Crm } from '../../lib/crm/crm';
import type { ItemQuery } from '../../lib/domain/billable-item';
import type { Customer, PasswordCheck } from '../../lib/domain/customer';
import type { PaymentLinkRequest } from '../../lib/domain/payment-link';
import type { Transcript } from '../../tools/simulator/call-simulator';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { DynamoAttemptLimiter } from '../../lib/auth/dynamo-attempt-limiter';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import { DynamoSessionStore } from '../../lib/voice/dynamo-session-store';
import type { VoiceDeps } from '../../lib/voice/voice-step';
import { BASE_URL, callInProcess, heard } from '../support/in-process-calls';
import { startTestDynamo, type TestDynamo } from '../support/local-dynamo';

/** The ledger, counting every identity lookup and password check. */
class CountingCrm implements Crm {
  readonly source: string;
  calls = { identifyByPhone: 0, identifyByCustomerNumber: 0, verifyPhonePassword: 0 };

  constructor(private readonly inner: LedgerCrm) {
    this.source = inner.source;
  }

  reset(): void {
    this.calls = { identifyByPhone: 0, identifyByCustomerNumber: 0, verifyPhonePassword: 0 };
  }

  identifyByPhone(phone: string) {
    this.calls.identifyByPhone += 1;
    return this.inner.identifyByPhone(phone);
  }
  identifyByCustomerNumber(customerNumber: string) {
    this.calls.identifyByCustomerNumber += 1;
    return this.inner.identifyByCustomerNumber(customerNumber);
  }
  verifyPhonePassword(customer: Customer, password: string): Promise<PasswordCheck> {
    this.calls.verifyPhonePassword += 1;
    return this.inner.verifyPhonePassword(customer, password);
  }
  balance(customer: Customer) {
    return this.inner.balance(customer, 'IRR');
  }
  findItem(customer: Customer, query: ItemQuery) {
    return this.inner.findItem(customer, query);
  }
  createPaymentLink(request: PaymentLinkRequest) {
    return this.inner.createPaymentLink(request);
  }
  moneyAccounts() {
    return this.inner.moneyAccounts();
  }
  itemTypes() {
    return this.inner.itemTypes();
  }
}

const quiet: AppLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  appendKeys: () => undefined,
  resetKeys: () => undefined,
} as unknown as AppLogger;

const DOCUMENT = {
  customers: [
    { id: 'c-1', customerNumber: '5001', name: 'Ann', phones: ['+15005550101'], phonePassword: '2468' },
    { id: 'c-2', customerNumber: 'CN-77', name: 'Bahram', phones: [], phonePassword: '۱۳۵۷' },
    { id: 'c-3', customerNumber: '5003', name: 'Cyrus', phones: ['+15005550103'] },
    { id: 'c-4', customerNumber: '5004', name: 'Dana', phones: [], phonePassword: '۸۶۴۲' },
  ],
  items: [
    { customerId: 'c-1', type: 'invoice', number: 'I-1', fields: { FinalValue: 1000000 } },
    { customerId: 'c-2', type: 'invoice', number: 'I-2', fields: { FinalValue: 500000 } },
    { customerId: 'c-3', type: 'invoice', number: 'I-3', fields: { FinalValue: 300000 } },
    { customerId: 'c-4', type: 'invoice', number: 'I-4', fields: { FinalValue: 400000 } },
  ],
  destinations: [
    { code: 'sales', type: 'dial', target: '+982191000000' },
    { code: 'support', type: 'dial', target: 'sip:support@pbx.example.com' },
    { code: 'to-balance', type: 'module', moduleCode: 'balance' },
    { code: 'to-balance-fa', type: 'module', moduleCode: 'balance-fa' },
  ],
  modules: [
    { code: 'balance', name: 'Balance', language: 'en', nextDestination: 'sales', errorDestination: 'support' },
    { code: 'balance-fa', name: 'مانده', language: 'fa', nextDestination: 'sales', errorDestination: 'support' },
    {
      kind: 'club',
      code: 'club-caller',
      name: 'Club by caller',
      language: 'en',
      identification: 'caller-number',
      nextDestination: 'to-balance',
      errorDestination: 'support',
    },
    {
      kind: 'club',
      code: 'club-number',
      name: 'Club by number',
      language: 'en',
      identification: 'customer-number',
      maxAttempts: 3,
      nextDestination: 'to-balance',
      errorDestination: 'support',
    },
    {
      kind: 'club',
      code: 'club-prefixed',
      name: 'باشگاه',
      language: 'fa',
      identification: 'customer-number',
      customerNumberPrefix: 'CN-',
      nextDestination: 'to-balance-fa',
      errorDestination: 'support',
    },
    {
      kind: 'club',
      code: 'club-password',
      name: 'Club by password',
      language: 'en',
      identification: 'customer-number-and-password',
      maxAttempts: 3,
      nextDestination: 'to-balance',
      errorDestination: 'support',
    },
    {
      kind: 'club',
      code: 'club-no-passwords',
      name: 'Club on a CRM without passwords',
      language: 'en',
      identification: 'customer-number-and-password',
      lookupSource: 'no-passwords',
      nextDestination: 'to-balance',
      errorDestination: 'support',
    },
    {
      kind: 'club',
      code: 'club-silent',
      name: 'Quiet club',
      language: 'en',
      identification: 'customer-number',
      prompts: { intro: { play: false }, enterCustomerNumber: { play: false }, welcome: { play: false }, wrongNumber: { text: 'That number is not ours.' } },
      nextDestination: 'to-balance',
      errorDestination: 'support',
    },
  ],
};

let db: TestDynamo;
let crm: CountingCrm;
let sessions: DynamoSessionStore;
let deps: VoiceDeps;
let now = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  db = await startTestDynamo();
  const ledger = new LedgerCrm(db.doc, db.tables.ledger);
  crm = new CountingCrm(ledger);
  const { verifyPhonePassword: _none, ...withoutPasswords } = Object.assign(Object.create(null), {
    source: 'no-passwords',
    identifyByPhone: (p: string) => ledger.identifyByPhone(p),
    identifyByCustomerNumber: (n: string) => ledger.identifyByCustomerNumber(n),
  }) as Crm;
  const noPasswords = { ...withoutPasswords, balance: (c: Customer) => ledger.balance(c, 'IRR') } as unknown as Crm;
  sessions = new DynamoSessionStore(db.doc, db.tables.sessions);
  const modules = new DynamoModuleStore(db.doc, db.tables.config);
  // 'no-passwords' is a CRM wired in below (not stored), so the import is told it exists.
  const parsed = parseImportDocument(DOCUMENT, { lookupSourceNames: new Set(['no-passwords']) });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await applyImport(parsed.document, { ledger: new DynamoLedgerWriter(db.doc, db.tables.ledger), modules });
  deps = {
    modules,
    sessions,
    crms: new NamedCrmResolver(
      new Map<string, Crm>([
        ['ledger', crm],
        ['no-passwords', noPasswords],
      ]),
    ),
    attempts: new DynamoAttemptLimiter(db.doc, db.tables.attempts, { maxFailures: 3, windowSeconds: 900, lockSeconds: 900 }, () => now),
    speech: new CatalogueSpeech({ audioBaseUrl: `${BASE_URL}/audio` }),
    logger: quiet,
    publicBaseUrl: BASE_URL,
    sessionTtlSeconds: 3600,
    defaultLanguage: 'en',
    clock: () => now,
  };
}, 60_000);

afterAll(async () => {
  await db?.stop();
});

beforeEach(() => crm.reset());

const call = (code: string, from: string, digits: string[] = [], extra: Record<string, string> = {}) =>
  callInProcess(() => deps, code, from, { digits, ...(Object.keys(extra).length ? { extraParams: extra } : {}) });
const stored = async (t: Transcript) => (await sessions.get(t.callSid)) as Session;
const gathers = (t: Transcript) => t.events.filter((e) => e.type === 'gather').length;

const OWES_ONE_MILLION = 'Your account balance is one million rials due for payment.';
const AUTH_ERROR = 'Sorry, we could not verify your identity.';
const WRONG_CREDENTIALS = 'The customer number or password you entered is not correct.';

describe('a customer club identifying by caller number', () => {
  it('identifies a known caller once, and the balance module announces without identifying again', async () => {
    const t = await call('club-caller', '+15005550101');
    expect(heard(t)).toContain(
      `Welcome to the customer club. Thank you. Your account has been found. Welcome to the account balance service. ${OWES_ONE_MILLION}`,
    );
    expect(t.modulesVisited).toEqual(['club-caller', 'balance']);
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    expect(crm.calls).toEqual({ identifyByPhone: 1, identifyByCustomerNumber: 0, verifyPhonePassword: 0 });
    expect(await stored(t)).toMatchObject({
      moduleCode: 'balance',
      customer: { id: 'c-1' },
      identifiedBy: 'handover',
      outcome: 'next',
      trail: ['club-caller:entry', 'balance:entry'],
    });
  });

  it('sends an unknown caller to the error destination with the authentication error', async () => {
    const t = await call('club-caller', '+15009999999');
    expect(heard(t)).toContain(AUTH_ERROR);
    expect(t.modulesVisited).toEqual(['club-caller']);
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(await stored(t)).toMatchObject({ moduleCode: 'club-caller', outcome: 'error', reason: 'not-identified' });
  });
});

describe('a customer club identifying by customer number', () => {
  it('finds the customer by the number typed and hands them to the balance module', async () => {
    const t = await call('club-number', '+15009999999', ['5001']);
    expect(heard(t)).toContain('Please enter your customer number, then press the pound key.');
    expect(heard(t)).toContain(OWES_ONE_MILLION);
    expect(crm.calls).toEqual({ identifyByPhone: 0, identifyByCustomerNumber: 1, verifyPhonePassword: 0 });
    expect(await stored(t)).toMatchObject({ moduleCode: 'balance', customer: { id: 'c-1' }, identifiedBy: 'handover' });
  });

  it('normalises Persian digits and prepends the configured prefix', async () => {
    const t = await call('club-prefixed', '+15009999999', ['۷۷']);
    expect(heard(t)).toContain('به باشگاه مشتریان خوش آمدید.');
    expect(heard(t)).toContain('سپاسگزاریم. حساب شما پیدا شد.');
    expect(t.modulesVisited).toEqual(['club-prefixed', 'balance-fa']);
    expect(await stored(t)).toMatchObject({ moduleCode: 'balance-fa', customer: { id: 'c-2', customerNumber: 'CN-77' }, outcome: 'next' });
  });

  it('re-prompts after a wrong number and goes on when the next one is right', async () => {
    const t = await call('club-number', '+15009999999', ['9999', '5001']);
    expect(heard(t)).toContain('No customer was found with that number. Please enter your customer number');
    expect(heard(t)).toContain(OWES_ONE_MILLION);
    expect(crm.calls.identifyByCustomerNumber).toBe(2);
  });

  it('gives up after the maximum attempts at the error destination', async () => {
    const t = await call('club-number', '+15009999999', ['9999', '', '8888']);
    expect(gathers(t)).toBe(3);
    expect(heard(t)).toContain(`No customer was found with that number. ${AUTH_ERROR}`);
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(await stored(t)).toMatchObject({ moduleCode: 'club-number', outcome: 'error', reason: 'customer-number-not-found', attempts: 3 });
  });
});

describe('a customer club identifying by customer number and telephone password', () => {
  it('hands a caller with the right number and password on, with one lookup and one check', async () => {
    const t = await call('club-password', '+15009999999', ['5001', '2468']);
    expect(heard(t)).toContain('Please enter your telephone password, then press the pound key.');
    expect(heard(t)).toContain(OWES_ONE_MILLION);
    expect(crm.calls).toEqual({ identifyByPhone: 0, identifyByCustomerNumber: 1, verifyPhonePassword: 1 });
    const session = await stored(t);
    expect(session).toMatchObject({ moduleCode: 'balance', customer: { id: 'c-1' }, identifiedBy: 'handover' });
    expect(JSON.stringify(session)).not.toContain('2468');
  });

  it('accepts a password imported in Persian digits when typed on the keypad', async () => {
    const t = await call('club-password', '+15009999998', ['5004', '8642']);
    expect(heard(t)).toContain('Your account balance is four hundred thousand rials due for payment.');
  });

  it('answers a wrong password and an unknown customer number with exactly the same words', async () => {
    const wrongPassword = await call('club-password', '+15009999990', ['5001', '1111', '', '']);
    const unknownNumber = await call('club-password', '+15009999991', ['5999', '1111', '', '']);
    expect(heard(wrongPassword)).toContain(WRONG_CREDENTIALS);
    expect(heard(wrongPassword)).not.toContain('No customer was found');
    expect(heard(unknownNumber)).toBe(heard(wrongPassword));
    expect(gathers(unknownNumber)).toBe(gathers(wrongPassword));
    expect(unknownNumber.handedOn).toEqual(wrongPassword.handedOn);
  });

  it('refuses a customer who has no telephone password', async () => {
    const t = await call('club-password', '+15009999992', ['5003', '0000', '', '']);
    expect(heard(t)).toContain(WRONG_CREDENTIALS);
    expect(heard(t)).not.toContain('Your account balance is');
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
  });

  it('locks a customer number after repeated wrong passwords from any callers, until the lock runs out', async () => {
    const callers = ['+15004440001', '+15004440002'];
    await call('club-password', callers[0] as string, ['5004', '1111', '', '']);
    await call('club-password', callers[1] as string, ['5004', '2222', '', '']);
    const third = await call('club-password', '+15004440003', ['5004', '3333']);
    expect(heard(third)).toContain(`${WRONG_CREDENTIALS} ${AUTH_ERROR}`);
    expect(await stored(third)).toMatchObject({ outcome: 'error', reason: 'locked' });

    crm.reset();
    const rightButLocked = await call('club-password', '+15004440004', ['5004', '8642']);
    expect(heard(rightButLocked)).toContain(AUTH_ERROR);
    expect(heard(rightButLocked)).not.toContain('Your account balance is');
    expect(crm.calls.verifyPhonePassword).toBe(0);
    expect(await stored(rightButLocked)).toMatchObject({ outcome: 'error', reason: 'locked' });

    now = new Date(now.getTime() + 901_000);
    const later = await call('club-password', '+15004440004', ['5004', '8642']);
    expect(heard(later)).toContain('Your account balance is four hundred thousand rials due for payment.');
  });

  it('locks a calling number that guesses across customer numbers', async () => {
    const guesser = '+15003330001';
    for (const number of ['6101', '6102', '6103']) await call('club-password', guesser, [number, '1234']);
    const t = await call('club-password', guesser, ['5001', '2468']);
    expect(heard(t)).toContain(AUTH_ERROR);
    expect(await stored(t)).toMatchObject({ outcome: 'error', reason: 'locked' });
    const someoneElse = await call('club-password', '+15003330002', ['5001', '2468']);
    expect(heard(someoneElse)).toContain(OWES_ONE_MILLION);
  });

  it('does not count silence at the password prompt as a guess', async () => {
    const caller = '+15002220001';
    for (let i = 0; i < 4; i += 1) await call('club-password', caller, ['5001', '', '', '']);
    const t = await call('club-password', caller, ['5001', '2468']);
    expect(heard(t)).toContain(OWES_ONE_MILLION);
  });

  it('apologises and goes to the error destination when the CRM keeps no passwords', async () => {
    const t = await call('club-no-passwords', '+15009999993', ['5001', '2468']);
    expect(heard(t)).toContain('Sorry, we cannot complete your request right now.');
    expect(await stored(t)).toMatchObject({ outcome: 'error', reason: 'password-unsupported:no-passwords' });
  });
});

describe('the hand-over to the balance module', () => {
  it('ignores identity parameters posted to a balance module from outside', async () => {
    const t = await call('balance', '+15009999999', [], { CustomerId: 'c-1', customerNumber: '5001', customer: 'c-1', handover: 'balance' });
    expect(heard(t)).toContain('We could not find an account for the number you are calling from.');
    expect(heard(t)).not.toContain('Your account balance is');
    expect(crm.calls.identifyByPhone).toBe(1);
    expect(await stored(t)).toMatchObject({ outcome: 'error', reason: 'not-identified' });
  });

  it('does not take a stored hand-over that names another module', async () => {
    const callSid = `CA${'7'.repeat(32)}`;
    const forged: Session = {
      callSid,
      moduleCode: 'club-caller',
      from: '+15009999999',
      to: '+15550001000',
      step: 'done',
      turn: 1,
      attempts: 0,
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      trail: ['club-caller:entry'],
      expiresAt: Math.floor(now.getTime() / 1000) + 3600,
      handover: { to: 'balance-fa', fromModule: 'club-caller', customer: { id: 'c-1', customerNumber: '5001' } },
    };
    await sessions.save(forged, undefined);
    const t = await callInProcess(() => deps, 'balance', '+15009999999', { callSid });
    expect(heard(t)).toContain('We could not find an account for the number you are calling from.');
    expect(crm.calls.identifyByPhone).toBe(1);
    expect(await stored(t)).toMatchObject({ moduleCode: 'balance', outcome: 'error', reason: 'not-identified' });
    expect((await stored(t)).customer).toBeUndefined();
  });

  it('lets the balance module identify by caller number when it is called directly', async () => {
    const t = await call('balance', '+15005550101');
    expect(heard(t)).toContain(OWES_ONE_MILLION);
    expect(await stored(t)).toMatchObject({ identifiedBy: 'caller' });
  });
});

describe('club prompts set to "don\'t play"', () => {
  it('leaves them out of the call and still gathers', async () => {
    const t = await call('club-silent', '+15009999999', ['42', '5001']);
    const words = heard(t);
    expect(words).not.toContain('Welcome to the customer club.');
    expect(words).not.toContain('Please enter your customer number');
    expect(words).not.toContain('Thank you. Your account has been found.');
    expect(words).toContain('That number is not ours.');
    expect(words).toContain(OWES_ONE_MILLION);
    expect(gathers(t)).toBe(2);
  });
});

describe('telephone passwords in the ledger', () => {
  it('stores only salted scrypt hashes, never the imported plaintext', async () => {
    const { Items = [] } = await db.doc.send(new ScanCommand({ TableName: db.tables.ledger }));
    const text = JSON.stringify(Items);
    for (const plain of ['2468', '1357', '۱۳۵۷', '8642', '۸۶۴۲']) expect(text).not.toContain(`"${plain}"`);
    expect(text).not.toContain('phonePassword');
    const hashes = Items.filter((row) => row.sk === '#PHONE-PASSWORD').map((row) => String(row.hash));
    expect(hashes).toHaveLength(3);
    for (const hash of hashes) expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/);
    expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(3);
  });

  it('keeps the stored hash when the same password is imported again, and replaces it for a new one', async () => {
    const writer = new DynamoLedgerWriter(db.doc, db.tables.ledger);
    const ledger = new LedgerCrm(db.doc, db.tables.ledger);
    const hashOf = async () => {
      const { Items = [] } = await db.doc.send(new ScanCommand({ TableName: db.tables.ledger }));
      return Items.find((row) => row.pk === 'CUST#c-9' && row.sk === '#PHONE-PASSWORD')?.hash as string | undefined;
    };
    const customer = { id: 'c-9', customerNumber: '5009', phones: [] };
    await writer.putCustomers([{ ...customer, phonePassword: '1111' }]);
    const first = await hashOf();
    await writer.putCustomers([{ ...customer, phonePassword: '1111' }]);
    expect(await hashOf()).toBe(first);
    await writer.putCustomers([{ ...customer, phonePassword: '2222' }]);
    expect(await hashOf()).not.toBe(first);
    expect(await ledger.verifyPhonePassword({ id: 'c-9' }, '1111')).toEqual({ status: 'mismatch' });
    expect(await ledger.verifyPhonePassword({ id: 'c-9' }, '2222')).toEqual({ status: 'match' });
    await writer.putCustomers([customer]);
    expect(await ledger.verifyPhonePassword({ id: 'c-9' }, '2222')).toEqual({ status: 'match' });
  });

  it('can be set and cleared through the ledger writer', async () => {
    const writer = new DynamoLedgerWriter(db.doc, db.tables.ledger);
    const ledger = new LedgerCrm(db.doc, db.tables.ledger);
    const cyrus: Customer = { id: 'c-3', customerNumber: '5003' };
    expect(await ledger.verifyPhonePassword(cyrus, '9753')).toEqual({ status: 'mismatch' });
    await writer.setPhonePassword('c-3', '9753');
    expect(await ledger.verifyPhonePassword(cyrus, '9753')).toEqual({ status: 'match' });
    expect(await ledger.verifyPhonePassword(cyrus, '9754')).toEqual({ status: 'mismatch' });
    await writer.clearPhonePassword('c-3');
    expect(await ledger.verifyPhonePassword(cyrus, '9753')).toEqual({ status: 'mismatch' });
  });
});
