/**
 * The Payamgostar adapter's real SOAP path against a local server that answers with the
 * documented shapes. Asserts on the exact requests (SOAPAction, parameter names and order,
 * escaping, customer filter) and on what the product makes of each answer.
 */
import { CrmBadResponseError, SoapFaultError } from '../../lib/crm/crm-errors';
import { resilientCrm } from '../../lib/crm/resilient-crm';
import { CircuitBreaker } from '../../lib/domain/circuit-breaker';
import { PayamgostarCrm } from '../../lib/crm/payamgostar/payamgostar-crm';
import type { ItemQuery } from '../../lib/domain/billable-item';
import type { Customer } from '../../lib/domain/customer';
import { startFakePayamgostar, type FakePayamgostar, type SoapRequest } from '../support/fake-payamgostar';
import { crmTransport } from '../../lib/crm/crm-http';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';

// The local stage's host policy: the fake CRMs listen on 127.0.0.1.
const transport = crmTransport(LOCAL_HOST_POLICY);

const SARA = '6f1c2a3b-1111-4c5d-8e9f-0123456789ab';
const REZA = '7a2d3c4e-2222-4c5d-8e9f-0123456789ab';
let pg: FakePayamgostar;
let crm: PayamgostarCrm;

beforeEach(async () => {
  pg = await startFakePayamgostar();
  pg.data.identities.push(
    { crmId: SARA, phones: ['09121111111'], customerNumber: '1001', nickName: 'سارا احمدی', balance: '-1250000.0000', mobile: '0912 111 1111' },
    { crmId: REZA, phones: ['+15005550002'], customerNumber: '1002', nickName: 'Reza', balance: '300000' },
  );
  pg.data.types.push(
    { userKey: 'inv', name: 'فاکتور فروش', type: 'Invoice' },
    { userKey: 'rcpt', name: 'رسید دریافت', type: 'Receipt' },
    { userKey: 'qt', name: 'پیش‌فاکتور', type: 'Quote' },
  );
  // Trailing slash on the host: requests must still go to /services/api/…, not //services.
  crm = new PayamgostarCrm({ source: 'pg', currency: 'IRR', host: `${pg.url}/`, username: 'ivr<&>"user', password: 'p@ss', timeoutMs: 2000, transport });
});

afterEach(async () => {
  await pg.stop();
});

const params = (r: SoapRequest) => r.params.map(([name]) => name);
const sara: Customer = { id: SARA, customerNumber: '1001' };

describe('identifying a caller', () => {
  it('finds the caller with one request in the national spelling, with SOAP 1.1 headers and escaped credentials', async () => {
    const result = await crm.identifyByPhone('+989121111111');
    expect(result).toEqual({ status: 'found', customer: { id: SARA, customerNumber: '1001', name: 'سارا احمدی', mobile: '+989121111111' } });
    expect(pg.requests).toHaveLength(1);
    const first = pg.requests[0]!;
    expect(first.path).toBe('/services/api/IIdentity.svc');
    expect(first.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first.headers.soapaction).toBe('"http://tempuri.org/IIdentity/FindIdentityByPhoneNumber"');
    expect(first.params).toEqual([
      ['username', 'ivr<&>"user'],
      ['password', 'p@ss'],
      ['phoneNumber', '09121111111'],
    ]);
    expect(first.raw).toContain('<username>ivr&lt;&amp;&gt;&quot;user</username>');
  });

  it('answers not-found when Payamgostar succeeds without an identity', async () => {
    expect(await crm.identifyByPhone('+15009999999')).toEqual({ status: 'not-found' });
  });

  it('answers not-found for Success=false, as the original client (which ignores the flag) does', async () => {
    pg.behaviour.set('FindIdentityByPhoneNumber', { unsuccessful: 'no identity' });
    expect(await crm.identifyByPhone('+989121111111')).toEqual({ status: 'not-found' });
    expect(pg.requests).toHaveLength(1);
  });

  it('still fails on an answer without a Success flag', async () => {
    pg.behaviour.set('FindIdentityByPhoneNumber', { raw: '<a:Unexpected>42</a:Unexpected>' });
    await expect(crm.identifyByPhone('+989121111111')).rejects.toBeInstanceOf(CrmBadResponseError);
  });

  it('turns a SOAP fault into a soap-fault failure', async () => {
    pg.behaviour.set('*', { fault: 'Invalid username or password' });
    await expect(crm.identifyByPhone('+989121111111')).rejects.toMatchObject({ name: 'SoapFaultError', reason: 'soap-fault' });
    await expect(crm.identifyByPhone('+989121111111')).rejects.toBeInstanceOf(SoapFaultError);
  });

  it('a non-XML 503 is an http-503 failure', async () => {
    pg.behaviour.set('*', { status: 503 });
    await expect(crm.identifyByPhone('+989121111111')).rejects.toMatchObject({ reason: 'http-503', retryable: true });
  });

  it('searches by customer number with userName/password/typeKey/query in order', async () => {
    expect(await crm.identifyByCustomerNumber('۱۰۰۲')).toMatchObject({ status: 'found', customer: { id: REZA } });
    const request = pg.requests[0]!;
    expect(request.headers.soapaction).toBe('"http://tempuri.org/IIdentity/SearchIdentity"');
    expect(request.params).toEqual([
      ['userName', 'ivr<&>"user'],
      ['password', 'p@ss'],
      ['typeKey', ''],
      ['query', 'CustomerNumber=="1002"'],
    ]);
    expect(await crm.identifyByCustomerNumber('9999')).toEqual({ status: 'not-found' });
  });

  it('never sends a value that could break out of the query', async () => {
    expect(await crm.identifyByCustomerNumber('1" || CustomerNumber!="')).toEqual({ status: 'not-found' });
    expect(pg.requests).toHaveLength(0);
  });
});

describe('one phone lookup per caller', () => {
  const sent = () => pg.requests.map((r) => [r.operation, r.params[2]![1]]);

  it.each([
    ['an Iranian mobile', '+989129999999', '09129999999'],
    ['a Tehran landline', '+982188776655', '02188776655'],
    ['a foreign number', '+15009999999', '+15009999999'],
  ])('costs an unknown caller with %s exactly one request', async (_kind, from, spelling) => {
    expect(await crm.identifyByPhone(from)).toEqual({ status: 'not-found' });
    expect(sent()).toEqual([['FindIdentityByPhoneNumber', spelling]]);
  });

  it.each(['+989121111111', '989121111111', '09121111111', '00989121111111', '9121111111', '۰۹۱۲۱۱۱۱۱۱۱', '0912 111 1111'])(
    'finds the caller stored as 09121111111 with one request when the caller ID arrives as %s',
    async (from) => {
      expect(await crm.identifyByPhone(from)).toMatchObject({ status: 'found', customer: { id: SARA } });
      expect(sent()).toEqual([['FindIdentityByPhoneNumber', '09121111111']]);
    },
  );

  it('finds a foreign caller stored in E.164 with one request', async () => {
    expect(await crm.identifyByPhone('+15005550002')).toMatchObject({ status: 'found', customer: { id: REZA } });
    expect(sent()).toEqual([['FindIdentityByPhoneNumber', '+15005550002']]);
  });

  // The fake matches the stored text exactly: the contract documents no normalisation by
  // Payamgostar, so only the national spelling is promised to match (README).
  it.each([
    ['09121111111', 'found'],
    ['+989121111111', 'not-found'],
    ['989121111111', 'not-found'],
    ['00989121111111', 'not-found'],
    ['9121111111', 'not-found'],
  ])('with the number stored as %s: %s, after one request', async (stored, status) => {
    pg.data.identities[0]!.phones = [stored];
    expect(await crm.identifyByPhone('+989121111111')).toMatchObject({ status });
    expect(pg.requests).toHaveLength(1);
  });

  it('sends nothing for a caller without a number', async () => {
    for (const from of ['anonymous', 'client:alice', '']) expect(await crm.identifyByPhone(from)).toEqual({ status: 'not-found' });
    expect(pg.requests).toHaveLength(0);
  });
});

describe('unknown callers and the circuit breaker', () => {
  const THRESHOLD = 3;
  function guarded(timeoutMs = 2000) {
    const breaker = new CircuitBreaker(THRESHOLD, 60_000);
    return { breaker, guardedCrm: resilientCrm(crm, breaker, { timeoutMs, failureThreshold: THRESHOLD, openMs: 60_000 }) };
  }

  it('stays closed after 10 unknown callers in a row, whether Payamgostar answers no identity or Success=false', async () => {
    const { breaker, guardedCrm } = guarded();
    for (let i = 0; i < 10; i += 1) {
      if (i === 5) pg.behaviour.set('FindIdentityByPhoneNumber', { unsuccessful: 'identity not found' });
      expect(await guardedCrm.identifyByPhone(`+98912000000${i}`)).toEqual({ status: 'not-found' });
    }
    expect(breaker.state).toBe('closed');
    expect(pg.requests).toHaveLength(10);
    pg.behaviour.clear();
    expect(await guardedCrm.identifyByPhone('+989121111111')).toMatchObject({ status: 'found', customer: { id: SARA } });
  });

  it.each([
    ['timeouts', { delayMs: 1000 }, 'timeout', 200],
    ['HTTP 503s', { status: 503 }, 'http-503', 2000],
    ['SOAP faults', { fault: 'Invalid username or password' }, 'soap-fault', 2000],
  ] as const)('opens after %s and then answers circuit-open without asking Payamgostar', async (_kind, behaviour, reason, timeoutMs) => {
    pg.behaviour.set('FindIdentityByPhoneNumber', behaviour);
    const { breaker, guardedCrm } = guarded(timeoutMs);
    for (let i = 0; i < THRESHOLD; i += 1) expect(await guardedCrm.identifyByPhone('+989121111111')).toEqual({ status: 'failed', source: 'pg', reason });
    expect(breaker.state).toBe('open');
    const asked = pg.requests.length;
    expect(await guardedCrm.identifyByPhone('+989121111111')).toEqual({ status: 'failed', source: 'pg', reason: 'circuit-open' });
    expect(pg.requests).toHaveLength(asked);
  });
});

describe('the balance', () => {
  it('normalises a negative balance to an amount owed', async () => {
    expect(await crm.balance(sara, 'IRR')).toEqual({ status: 'ok', owed: 1250000, credit: 0 });
    expect(pg.requests[0]!.params).toEqual([
      ['username', 'ivr<&>"user'],
      ['password', 'p@ss'],
      ['identityId', SARA],
    ]);
    expect(pg.requests[0]!.headers.soapaction).toBe('"http://tempuri.org/IIdentity/FindIdentityById"');
  });

  it('reads a positive balance as credit and a nil balance as no debt', async () => {
    expect(await crm.balance({ id: REZA }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 300000 });
    pg.data.identities[1]!.balance = undefined;
    expect(await crm.balance({ id: REZA }, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 0 });
  });

  it('reads grouped and Persian-digit balances the same on any server culture', async () => {
    pg.data.identities[0]!.balance = '-1,250,000.0000';
    expect(await crm.balance(sara, 'IRR')).toMatchObject({ owed: 1250000 });
    pg.data.identities[0]!.balance = '−۱٬۲۵۰٬۰۰۰';
    expect(await crm.balance(sara, 'IRR')).toMatchObject({ owed: 1250000 });
  });

  it('refuses half a rial rather than round it, and reads cents exactly for a source kept in dollars', async () => {
    pg.data.identities[0]!.balance = '-1,250,000.50';
    await expect(crm.balance(sara, 'IRR')).rejects.toBeInstanceOf(CrmBadResponseError);
    const dollars = new PayamgostarCrm({
      source: 'pg',
      currency: 'USD',
      host: `${pg.url}/`,
      username: 'ivr<&>"user',
      password: 'p@ss',
      timeoutMs: 2000,
      transport,
    });
    expect(await dollars.balance(sara, 'USD')).toMatchObject({ owed: 125_000_050 });
    pg.data.identities[0]!.balance = '-12.5';
    expect(await dollars.balance(sara, 'USD')).toMatchObject({ owed: 1250 });
  });

  it('refuses a module in another currency than the source keeps (currency-mismatch), without asking Payamgostar', async () => {
    const before = pg.requests.length;
    await expect(crm.balance(sara, 'USD')).rejects.toMatchObject({ reason: 'currency-mismatch' });
    expect(pg.requests.length).toBe(before);
  });

  it('refuses a balance it cannot read instead of announcing zero', async () => {
    pg.data.identities[0]!.balance = '1.250.000,00';
    await expect(crm.balance(sara, 'IRR')).rejects.toBeInstanceOf(CrmBadResponseError);
  });
});

describe('finding an item', () => {
  const query: ItemQuery = { type: 'invoice', number: '1042', searchField: 'Number', valueField: 'FinalValue', currency: 'IRR' as const };

  beforeEach(() => {
    pg.data.items.push(
      { typeKey: 'inv', number: '1042', identityId: SARA, finalValue: '2000000.0000', extended: { InvNo: 'A-7', Payable: '1,750,000' } },
      { typeKey: 'inv', number: '1043', identityId: REZA, finalValue: '900000' },
      { typeKey: 'rcpt', number: '77', identityId: SARA, finalValue: '500000' },
    );
  });

  it('resolves the invoice type and searches with the customer filter kept, joined by " & "', async () => {
    expect(await crm.findItem(sara, query)).toEqual({ status: 'found', item: { type: 'invoice', number: '1042', amount: 2000000, paid: false } });
    const [types, search] = pg.requests;
    expect(types!.headers.soapaction).toBe('"http://tempuri.org/ICrmObjectType/GetCrmObjectTypeList"');
    expect(types!.params[2]).toEqual(['crmObjectTypeIndex', 'Invoice']);
    expect(search!.path).toBe('/services/api/IInvoice.svc');
    expect(search!.headers.soapaction).toBe('"http://tempuri.org/IInvoice/SearchInvoice"');
    expect(search!.params).toEqual([
      ['userName', 'ivr<&>"user'],
      ['password', 'p@ss'],
      ['typeKey', 'inv'],
      ['query', `IdentityId=="${SARA}" & Number=="1042"`],
    ]);
    // The original client's joiner, ` & `, escaped once for XML.
    expect(search!.raw).toContain(`<query>IdentityId==&quot;${SARA}&quot; &amp; Number==&quot;1042&quot;</query>`);
  });

  it("does not find another customer's invoice", async () => {
    expect(await crm.findItem(sara, { ...query, number: '1043' })).toEqual({ status: 'not-found' });
  });

  it('passes (query, crmObjectTypeCode) to SearchReceipt in the WSDL order', async () => {
    expect(await crm.findItem(sara, { ...query, type: 'receipt', number: '77' })).toMatchObject({ status: 'found', item: { amount: 500000 } });
    const search = pg.requests[1]!;
    expect(search.headers.soapaction).toBe('"http://tempuri.org/IPayment/SearchReceipt"');
    expect(params(search)).toEqual(['userName', 'password', 'query', 'crmObjectTypeCode']);
    expect(search.params[3]).toEqual(['crmObjectTypeCode', 'rcpt']);
  });

  it('searches an extended field and reads the amount from the configured property', async () => {
    const result = await crm.findItem(sara, { ...query, number: 'A-7', searchField: 'InvNo', valueField: 'Payable' });
    expect(result).toMatchObject({ status: 'found', item: { amount: 1750000 } });
    expect(pg.requests[1]!.params[3]).toEqual(['query', `IdentityId=="${SARA}" & InvNo=="A-7"`]);
  });

  it('fails when the value property is garbage rather than reading it as 0', async () => {
    pg.data.items[0]!.extended!.Payable = 'n/a';
    await expect(crm.findItem(sara, { ...query, valueField: 'Payable' })).rejects.toBeInstanceOf(CrmBadResponseError);
  });

  it('uses a configured type key after checking its kind with GetCrmObjectTypeInfo', async () => {
    const configured = new PayamgostarCrm({
      source: 'pg',
      currency: 'IRR',
      host: pg.url,
      username: 'u',
      password: 'p',
      timeoutMs: 2000,
      transport,
      itemTypeKeys: { onlinePayment: 'rcpt' },
    });
    expect(await configured.findItem(sara, { ...query, type: 'onlinePayment', number: '77' })).toMatchObject({ status: 'found' });
    expect(pg.requests[0]!.headers.soapaction).toBe('"http://tempuri.org/ICrmObjectType/GetCrmObjectTypeInfo"');
    expect(pg.requests[0]!.params[2]).toEqual(['typeKeyOrId', 'rcpt']);
    expect(pg.requests[1]!.headers.soapaction).toBe('"http://tempuri.org/IPayment/SearchReceipt"');
  });

  it('answers not-found for an empty list and fails on Success=false', async () => {
    expect(await crm.findItem(sara, { ...query, number: '5555' })).toEqual({ status: 'not-found' });
    pg.behaviour.set('SearchInvoice', { unsuccessful: 'bad query' });
    await expect(crm.findItem(sara, query)).rejects.toMatchObject({ reason: 'unsuccessful' });
  });
});

describe('money accounts and item types', () => {
  it('reads every page of money accounts, skipping accounts without a key', async () => {
    for (let i = 0; i < 120; i += 1) pg.data.accounts.push({ userKey: i === 5 ? null : `acc-${i}`, name: `Account ${i}` });
    const accounts = await crm.moneyAccounts();
    expect(accounts).toHaveLength(119);
    expect(accounts[118]).toEqual({ key: 'acc-119', name: 'Account 119' });
    expect(pg.requests.map((r) => r.params.slice(2))).toEqual([
      [
        ['pageIndex', '0'],
        ['pageSize', '50'],
      ],
      [
        ['pageIndex', '1'],
        ['pageSize', '50'],
      ],
      [
        ['pageIndex', '2'],
        ['pageSize', '50'],
      ],
    ]);
  });

  it('answers an empty list when there are no accounts', async () => {
    expect(await crm.moneyAccounts()).toEqual([]);
  });

  it('lists billable types with a nil type index', async () => {
    expect(await crm.itemTypes()).toEqual([
      { key: 'inv', name: 'فاکتور فروش', type: 'invoice' },
      { key: 'rcpt', name: 'رسید دریافت', type: 'receipt' },
      { key: 'qt', name: 'پیش‌فاکتور', type: 'proforma' },
    ]);
    expect(pg.requests[0]!.params[2]).toEqual(['crmObjectTypeIndex', null]);
  });
});

describe('creating a payment link', () => {
  const request = {
    customer: sara,
    amount: 1250000,
    mobile: '+989121111111',
    moneyAccount: 'acc-mellat',
    items: [],
    invoiceType: 'invoice' as const,
    language: 'fa' as const,
    callSid: 'CA0123456789abcdef',
    currency: { code: 'IRR' as const, unit: 'rial' as const },
  };

  it('sends PaymentLinkInfo members in data-contract order and returns the link', async () => {
    expect(await crm.createPaymentLink(request)).toEqual({ status: 'created', url: 'https://pay.example.com/l/abc123', deliveredByCrm: true });
    const sent = pg.requests[0]!;
    expect(sent.headers.soapaction).toBe('"http://tempuri.org/IEpay/CreatePaymentLink"');
    expect(params(sent)).toEqual(['username', 'password', 'paymentLink']);
    expect(sent.params[2]![1]).toEqual([
      ['Amount', '1250000'],
      ['Description', 'balance-ivr CA0123456789abcdef'],
      ['EmailAddress', null],
      ['ExpireAfterDays', '7'],
      ['IdentityId', SARA],
      ['MobilePhoneNumber', '09121111111'],
      ['MoneyAccountUserKey', 'acc-mellat'],
      ['PaymentTypeUserKey', null],
      ['RegisterReceipt', 'false'],
    ]);
    expect(sent.raw).toMatch(/<paymentLink><a:Amount>/);
    expect(sent.raw).toContain('xmlns:a="http://schemas.datacontract.org/2004/07/Septa.PayamGostar.ServiceLayer.Contract.PGContracts.DataContracts"');
  });

  it('fails with the CRM message when Payamgostar says Success=false', async () => {
    pg.behaviour.set('CreatePaymentLink', { unsuccessful: 'درگاه غیرفعال است' });
    await expect(crm.createPaymentLink(request)).rejects.toThrow('درگاه غیرفعال است');
  });

  it('fails when the link is missing from a successful answer', async () => {
    pg.behaviour.set('CreatePaymentLink', { raw: '<a:Message i:nil="true"/><a:Success>true</a:Success><a:PaymentLink i:nil="true"/>' });
    await expect(crm.createPaymentLink(request)).rejects.toBeInstanceOf(CrmBadResponseError);
  });
});
