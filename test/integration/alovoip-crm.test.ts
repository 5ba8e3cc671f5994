/**
 * The AloVoIP-compatible HTTP adapter's real request path against a local server
 * implementing the contract. Asserts on the exact bytes sent (routes, camelCase with
 * explicit nulls, no body for no-argument operations, auth header) and on how quirky or
 * wrong answers are read.
 */
import { AlovoipHttpCrm } from '../../lib/crm/alovoip/alovoip-crm';
import { CrmBadResponseError, CrmHttpError } from '../../lib/crm/crm-errors';
import type { ItemQuery } from '../../lib/domain/billable-item';
import type { Customer } from '../../lib/domain/customer';
import { startFakeAlovoip, type FakeAlovoip } from '../support/fake-alovoip';
import { crmTransport } from '../../lib/crm/crm-http';
import { LOCAL_HOST_POLICY } from '../../lib/domain/crm-host-policy';

// The local stage's host policy: the fake CRMs listen on 127.0.0.1.
const transport = crmTransport(LOCAL_HOST_POLICY);

let server: FakeAlovoip;
let crm: AlovoipHttpCrm;
const customer: Customer = { id: '6f1c2a3b-1111-4c5d-8e9f-0123456789ab', customerNumber: '1001' };
const PASSWORD = 'رمز-۱۲۳';

beforeEach(async () => {
  server = await startFakeAlovoip();
  // A base path and a trailing slash: routes go under the path, with one slash.
  crm = new AlovoipHttpCrm({
    source: 'other',
    currency: 'IRR',
    host: `${server.url}/alovoip/`,
    auth: 'basic',
    username: 'ivr',
    password: PASSWORD,
    timeoutMs: 2000,
    transport,
  });
});

afterEach(async () => {
  await server.stop();
});

const identity = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    Id: customer.id,
    CrmObjectTypeIndex: 24,
    CreateDate: '2024-01-01T00:00:00',
    ModifyDate: '2024-01-02T00:00:00',
    CustomerNumber: '1001',
    NickName: 'Sara',
    Balance: -5,
    PhoneContacts: [{ Id: 'x', IsDefault: true, IsDeleted: false, PhoneNumber: '0912 111 1111', PhoneType: 'Mobile' }],
    ...over,
  });

describe('identifying a caller', () => {
  it('POSTs camelCase JSON to the route under the host path with UTF-8 Basic auth, and reads a PascalCase answer', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: identity() }));
    expect(await crm.identifyByPhone('+989121111111')).toEqual({
      status: 'found',
      customer: { id: customer.id, customerNumber: '1001', name: 'Sara', mobile: '+989121111111' },
    });
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/alovoip/GetIdentityByPhoneNumber');
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent.body).toBe('{"phoneNumber":"+989121111111"}');
    const [user, password] = Buffer.from(String(sent.headers.authorization).replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':');
    expect([user, password]).toEqual(['ivr', PASSWORD]);
  });

  it('reads a literal null and an empty object as not found', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: 'null' }));
    expect(await crm.identifyByPhone('+15009999999')).toEqual({ status: 'not-found' });
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: '{}' }));
    expect(await crm.identifyByPhone('+15009999999')).toEqual({ status: 'not-found' });
  });

  it('refuses wrong types with a named error', async () => {
    server.routes.set('/GetIdentityByCustomerNumber', () => ({ body: identity({ Id: 123 }) }));
    await expect(crm.identifyByCustomerNumber('1001')).rejects.toBeInstanceOf(CrmBadResponseError);
    server.routes.set('/GetIdentityByCustomerNumber', () => ({ body: identity({ crmObjectTypeIndex: null, CrmObjectTypeIndex: undefined }) }));
    await expect(crm.identifyByCustomerNumber('1001')).rejects.toThrow(/crmObjectTypeIndex is null/);
    server.routes.set('/GetIdentityByCustomerNumber', () => ({ body: identity({ CreateDate: 'yesterday' }) }));
    await expect(crm.identifyByCustomerNumber('1001')).rejects.toMatchObject({ reason: 'bad-response' });
    expect(server.requests.at(-1)!.body).toBe('{"customerNumber":"1001"}');
  });

  it('fails on an empty body or a non-JSON body', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: '' }));
    await expect(crm.identifyByPhone('+1500')).rejects.toMatchObject({ reason: 'bad-response' });
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ body: '<html>' }));
    await expect(crm.identifyByPhone('+1500')).rejects.toMatchObject({ reason: 'bad-response' });
  });

  it('turns 4xx and 5xx into http failures; only 5xx is retryable', async () => {
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ status: 401, body: '' }));
    await expect(crm.identifyByPhone('+1500')).rejects.toMatchObject({ name: 'CrmHttpError', reason: 'http-401', retryable: false });
    server.routes.set('/GetIdentityByPhoneNumber', () => ({ status: 503, body: 'down' }));
    await expect(crm.identifyByPhone('+1500')).rejects.toBeInstanceOf(CrmHttpError);
    await expect(crm.identifyByPhone('+1500')).rejects.toMatchObject({ reason: 'http-503', retryable: true });
  });
});

describe('the balance', () => {
  it('sends the customer with explicit nulls and reads a positive balance as owed', async () => {
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":150000}' }));
    expect(await crm.balance({ id: customer.id }, 'IRR')).toEqual({ status: 'ok', owed: 150000, credit: 0 });
    expect(server.requests[0]!.body).toBe(`{"customerNo":null,"customerId":"${customer.id}"}`);
  });

  it('reads null (no debt) as nothing owed and a negative balance as credit', async () => {
    server.routes.set('/GetCustomerBalance', () => ({ body: 'null' }));
    expect(await crm.balance(customer, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 0 });
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"Balance":-2000}' }));
    expect(await crm.balance(customer, 'IRR')).toEqual({ status: 'ok', owed: 0, credit: 2000 });
  });

  it('refuses a balance sent as a string', async () => {
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":"150000"}' }));
    await expect(crm.balance(customer, 'IRR')).rejects.toBeInstanceOf(CrmBadResponseError);
  });

  it.each(['1500.5', '1e400', '9007199254740993'])('refuses a balance of %s rials instead of rounding it', async (wire) => {
    server.routes.set('/GetCustomerBalance', () => ({ body: `{"balance":${wire}}` }));
    await expect(crm.balance(customer, 'IRR')).rejects.toBeInstanceOf(CrmBadResponseError);
  });

  it('reads a source kept in dollars in exact cents, and refuses a third decimal', async () => {
    const dollars = new AlovoipHttpCrm({ source: 'other', currency: 'USD', host: `${server.url}/alovoip/`, auth: 'none', timeoutMs: 2000, transport });
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":12.5}' }));
    expect(await dollars.balance(customer, 'USD')).toEqual({ status: 'ok', owed: 1250, credit: 0 });
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":0.1}' }));
    expect(await dollars.balance(customer, 'USD')).toEqual({ status: 'ok', owed: 10, credit: 0 });
    server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":12.505}' }));
    await expect(dollars.balance(customer, 'USD')).rejects.toBeInstanceOf(CrmBadResponseError);
  });

  it('refuses a module in another currency than the source keeps, without asking the CRM', async () => {
    await expect(crm.balance(customer, 'USD')).rejects.toMatchObject({ reason: 'currency-mismatch' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('finding an item', () => {
  const query: ItemQuery = { type: 'invoice', number: '1042', searchField: 'Number', valueField: 'FinalValue', currency: 'IRR' as const };

  it('asks GetPaymentInfo for the customer with nulls for default fields', async () => {
    server.routes.set('/GetPaymentInfo', () => ({ body: `{"identityId":"${customer.id}","amount":2000000}` }));
    expect(await crm.findItem(customer, query)).toEqual({ status: 'found', item: { type: 'invoice', number: '1042', amount: 2000000, paid: false } });
    expect(server.requests[0]!.body).toBe(
      `{"customerRequest":{"customerNo":"1001","customerId":"${customer.id}"},"billableObjectTypeKey":"invoice","billableObjectNumber":"1042","lookupNumberFieldKey":null,"valueFieldKey":null}`,
    );
  });

  it("never announces another customer's item", async () => {
    server.routes.set('/GetPaymentInfo', () => ({ body: '{"identityId":"someone-else","amount":2000000}' }));
    expect(await crm.findItem(customer, query)).toEqual({ status: 'not-found' });
  });

  it('sends configured fields and type key', async () => {
    const typed = new AlovoipHttpCrm({
      source: 'other',
      currency: 'IRR',
      host: server.url,
      auth: 'none',
      timeoutMs: 2000,
      transport,
      itemTypeKeys: { invoice: 'inv' },
    });
    server.routes.set('/GetPaymentInfo', () => ({ body: 'null' }));
    expect(await typed.findItem(customer, { ...query, searchField: 'InvNo', valueField: 'Payable' })).toEqual({ status: 'not-found' });
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ billableObjectTypeKey: 'inv', lookupNumberFieldKey: 'InvNo', valueFieldKey: 'Payable' });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('lists and the payment link', () => {
  it('POSTs the no-argument operations without a body or content type', async () => {
    server.routes.set('/GetMoneyAccounts', () => ({ body: '{"MoneyAccounts":[{"Key":"acc-1","Name":"Mellat"},{"key":null,"name":"no key"}]}' }));
    server.routes.set('/GetBillableObjectTypes', () => ({
      body: '{"crmObjectTypes":[{"key":"invoice","name":"Invoice"},{"key":"contract","name":"Contract"}]}',
    }));
    expect(await crm.moneyAccounts()).toEqual([{ key: 'acc-1', name: 'Mellat' }]);
    expect(await crm.itemTypes()).toEqual([{ key: 'invoice', name: 'Invoice', type: 'invoice' }]);
    for (const sent of server.requests) {
      expect(sent.method).toBe('POST');
      expect(sent.body).toBe('');
      expect(sent.headers['content-type']).toBeUndefined();
    }
    expect(server.requests.map((r) => r.path)).toEqual(['/alovoip/GetMoneyAccounts', '/alovoip/GetBillableObjectTypes']);
  });

  it('asks for type fields on the route that really ends in "Response"', async () => {
    server.routes.set('/BillableObjectTypePropsResponse', () => ({ body: '{"crmObjectTypes":[{"key":"Payable","name":"مبلغ قابل پرداخت"}]}' }));
    expect(await crm.itemTypeFields('invoice')).toEqual([{ key: 'Payable', name: 'مبلغ قابل پرداخت' }]);
    expect(server.requests[0]!.path).toBe('/alovoip/BillableObjectTypePropsResponse');
    expect(server.requests[0]!.body).toBe('{"billableObjectTypeKey":"invoice"}');
  });

  it('sends the payment link request with explicit nulls; the CRM delivers it', async () => {
    server.routes.set('/SendPaymentLinkToUser', () => ({ body: '{"isSuccess":true,"message":""}' }));
    const request = {
      customer,
      amount: 150000,
      mobile: '+989121111111',
      items: [],
      invoiceType: 'invoice' as const,
      language: 'en' as const,
      callSid: 'CA1',
      currency: { code: 'IRR' as const, unit: 'rial' as const },
    };
    expect(await crm.createPaymentLink(request)).toEqual({ status: 'created', url: '', deliveredByCrm: true });
    expect(server.requests[0]!.body).toBe(
      `{"paymentInfo":{"identityId":"${customer.id}","amount":150000},"mobileNumber":"+989121111111","moneyAccountUserKey":null,"resultMessage":null}`,
    );
    server.routes.set('/SendPaymentLinkToUser', () => ({ body: '{"IsSuccess":false,"Message":"gateway down"}' }));
    await expect(crm.createPaymentLink(request)).rejects.toMatchObject({ reason: 'unsuccessful', message: expect.stringContaining('gateway down') });
  });

  it('sends a cents amount in the major unit the contract uses', async () => {
    const dollars = new AlovoipHttpCrm({ source: 'other', currency: 'USD', host: `${server.url}/alovoip/`, auth: 'none', timeoutMs: 2000, transport });
    server.routes.set('/SendPaymentLinkToUser', () => ({ body: '{"isSuccess":true,"message":""}' }));
    const request = {
      customer,
      amount: 1250,
      mobile: '+15005550005',
      items: [],
      invoiceType: 'invoice' as const,
      language: 'en' as const,
      callSid: 'CA2',
      currency: { code: 'USD' as const },
    };
    await dollars.createPaymentLink(request);
    expect(JSON.parse(server.requests[0]!.body).paymentInfo.amount).toBe(12.5);
  });
});

it('reuses keep-alive connections across consecutive calls', async () => {
  server.routes.set('/GetCustomerBalance', () => ({ body: '{"balance":1}' }));
  for (let i = 0; i < 8; i += 1) await crm.balance(customer, 'IRR');
  expect(server.requests).toHaveLength(8);
  // undici may open a second socket while the first is being released; never one per call.
  expect(server.connections).toBeLessThanOrEqual(2);
});
