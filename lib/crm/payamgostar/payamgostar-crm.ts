/**
 * Payamgostar CRM over its SOAP API (reference: shared/reference/crm-contracts.md, part B),
 * with the anchor implementation's bugs fixed:
 * - `Success` is checked on every answer; not found (Success with no identity / empty list)
 *   is distinct from failure (fault, Success=false, timeout, unreadable answer) — except
 *   for the phone lookup, where Success=false means not found, as for the original client;
 * - a caller is looked up by phone once, in one spelling (payamgostarPhone);
 * - item searches keep the customer filter (`IdentityId=="<guid>" & <field>=="<n>"`), and
 *   SearchReceipt/SearchPayment get (query, crmObjectTypeCode) in the WSDL's order;
 * - balances are normalised (negative = owes) and "no debt" is not a failure;
 * - amounts are read exactly (money.ts, in the source's currency) and garbage is a failure, never 0;
 * - money accounts are read page by page, not just the first 50;
 * - CreatePaymentLink's `PaymentLink` URL is returned (PG sends the SMS itself).
 */
import { INVOICE_TYPES, type InvoiceType } from '../../config/module-constants';
import { canonicalPhone, toAsciiDigits } from '../../domain/phone';
import type { Crm } from '../crm';
import type { BalanceResult } from '../../domain/balance';
import type { BillableItemType, ItemQuery, ItemResult, MoneyAccount } from '../../domain/billable-item';
import type { Customer, IdentityResult } from '../../domain/customer';
import type { PaymentLinkRequest, PaymentLinkResult } from '../../domain/payment-link';
import { CrmBadResponseError, CrmError, CrmUnsuccessfulError } from '../crm-errors';
import { CRM_TEXT, decimalString, parseTextAmount, type CurrencyCode } from '../../domain/money';
import type { CrmTransport } from '../crm-http';
import { child, isNil, listItems, SoapClient, text, type SoapValue } from './soap-client';

export interface PayamgostarSettings {
  readonly source: string;
  readonly host: string;
  /** The currency PG's amounts are in (its Balance, FinalValue, payment link Amount). */
  readonly currency: CurrencyCode;
  readonly username: string;
  readonly password: string;
  /** Per-request limit when no call deadline is active. */
  readonly timeoutMs: number;
  /** The HTTP path, with the stage's host policy (crm-http.ts). */
  readonly transport: CrmTransport;
  /** Module invoice type → PG type key (UserKey), when the default type of that kind is not the one to use. */
  readonly itemTypeKeys?: Partial<Record<InvoiceType, string>>;
  readonly paymentTypeKey?: string;
  readonly linkExpiryDays?: number;
  readonly defaultCountryCode?: string;
}

/** PG's CrmObjectTypes enum members that are billable, and how each is searched. */
const SEARCHES = {
  Invoice: { service: 'IInvoice', operation: 'SearchInvoice', list: 'InvoiceInfoList', order: 'typeKey-query' },
  Quote: { service: 'IInvoice', operation: 'SearchQuote', list: 'InvoiceInfoList', order: 'typeKey-query' },
  Receipt: { service: 'IPayment', operation: 'SearchReceipt', list: 'PaymentInfoList', order: 'query-typeCode' },
  Contract: { service: 'IContract', operation: 'SearchContract', list: 'ContractInfoList', order: 'typeKey-query' },
  PurchaseInvoice: { service: 'IInvoice', operation: 'SearchPurchaseInvoice', list: 'InvoiceInfoList', order: 'typeKey-query' },
  ReturnPurchaseInvoice: { service: 'IInvoice', operation: 'SearchReturnPurchaseInvoice', list: 'InvoiceInfoList', order: 'typeKey-query' },
  ReturnSaleInvoice: { service: 'IInvoice', operation: 'SearchReturnSaleInvoice', list: 'InvoiceInfoList', order: 'typeKey-query' },
  PurchaseQuote: { service: 'IInvoice', operation: 'SearchPurchaseQuote', list: 'InvoiceInfoList', order: 'typeKey-query' },
  Payment: { service: 'IPayment', operation: 'SearchPayment', list: 'PaymentInfoList', order: 'query-typeCode' },
} as const;
type PgObjectType = keyof typeof SEARCHES;

/** The product's invoice types in PG terms (an online payment is a receipt to the business). */
const PG_TYPE_OF: Record<InvoiceType, PgObjectType> = {
  invoice: 'Invoice',
  proforma: 'Quote',
  receipt: 'Receipt',
  payment: 'Payment',
  salesReturn: 'ReturnSaleInvoice',
  onlinePayment: 'Receipt',
};

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
/**
 * Values put into a PG query. PG's query language has no documented escape for `"`, so
 * instead of guessing one, values outside this set are never sent (the item is not found).
 */
const SAFE_QUERY_VALUE = /^[\p{L}\p{N} _\-/.]{1,64}$/u;
/**
 * How conditions are joined in a PG query: ` & `, the joiner of the original client (its
 * customer-filter prefix is `IdentityId=="<guid>" & `, crm-contracts.md B.5). That prefix was
 * always overwritten (bug B.9.1), so no shipped client sent a joined query; ` & ` is the one
 * spelling the contract names, so it is the one sent (`&&` appears nowhere in it).
 */
const PG_AND = ' & ';
const MOBILE_WORDS = /mobile|cell|موبایل|همراه/i;
const PAGE_SIZE = 50;
const MAX_PAGES = 40;

export class PayamgostarCrm implements Crm {
  readonly source: string;
  private readonly soap: SoapClient;
  private readonly typeKeys = new Map<InvoiceType, { key: string; type: PgObjectType }>();

  constructor(private readonly settings: PayamgostarSettings) {
    this.source = settings.source;
    this.soap = new SoapClient(settings.host, settings.timeoutMs, settings.transport);
  }

  private get credentials(): { userName: string; password: string } {
    return { userName: this.settings.username, password: this.settings.password };
  }

  /** One FindIdentityByPhoneNumber per caller, in the one spelling payamgostarPhone gives. */
  async identifyByPhone(phone: string): Promise<IdentityResult> {
    const phoneNumber = payamgostarPhone(phone, this.settings.defaultCountryCode ?? '98');
    if (!phoneNumber) return { status: 'not-found' };
    const result = await this.soap.call({
      service: 'IIdentity',
      operation: 'FindIdentityByPhoneNumber',
      params: [
        ['username', this.credentials.userName],
        ['password', this.credentials.password],
        ['phoneNumber', phoneNumber],
      ],
    });
    // Success=false is "no identity with this number", as for the original client, which
    // ignores the flag here (crm-contracts.md B.4, B.9.5). Counted as a failure, a run of
    // unknown callers would open the breaker and turn known callers away too. Faults,
    // timeouts, HTTP errors and answers without a Success flag are still failures.
    if (text(child(result, 'Success')) === 'false') return { status: 'not-found' };
    const identity = this.identityFrom(result, 'FindIdentityByPhoneNumber');
    return identity ? { status: 'found', customer: identity.customer } : { status: 'not-found' };
  }

  async identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult> {
    const value = toAsciiDigits(customerNumber.trim());
    if (!SAFE_QUERY_VALUE.test(value)) return { status: 'not-found' };
    const result = await this.soap.call({
      service: 'IIdentity',
      operation: 'SearchIdentity',
      params: [
        ['userName', this.credentials.userName],
        ['password', this.credentials.password],
        ['typeKey', ''],
        ['query', `CustomerNumber=="${value}"`],
      ],
    });
    const identity = this.identityFrom(result, 'SearchIdentity');
    return identity ? { status: 'found', customer: identity.customer } : { status: 'not-found' };
  }

  async balance(customer: Customer, currency: CurrencyCode): Promise<BalanceResult> {
    this.requireCurrency(currency);
    if (!GUID.test(customer.id)) throw new CrmBadResponseError(`customer id "${customer.id}" is not a Payamgostar GUID`);
    const result = await this.soap.call({
      service: 'IIdentity',
      operation: 'FindIdentityById',
      params: [
        ['username', this.credentials.userName],
        ['password', this.credentials.password],
        ['identityId', customer.id],
      ],
    });
    const identity = this.identityFrom(result, 'FindIdentityById');
    if (!identity) throw new CrmBadResponseError('FindIdentityById found no identity for an identified customer');
    const balance = identity.balance;
    // Negative = the customer owes; nil = no balance recorded = nothing owed.
    return { status: 'ok', owed: balance < 0 ? -balance : 0, credit: balance > 0 ? balance : 0 };
  }

  async findItem(customer: Customer, query: ItemQuery): Promise<ItemResult> {
    this.requireCurrency(query.currency);
    if (!GUID.test(customer.id)) throw new CrmBadResponseError(`customer id "${customer.id}" is not a Payamgostar GUID`);
    for (const field of [query.searchField, query.valueField]) {
      if (!FIELD_NAME.test(field)) throw new CrmBadResponseError(`field name "${field}" cannot be used in a Payamgostar query`);
    }
    const number = toAsciiDigits(query.number.trim());
    if (!SAFE_QUERY_VALUE.test(number)) return { status: 'not-found' };
    const { key, type } = await this.resolveType(query.type);
    const search = SEARCHES[type];
    // The customer filter is what keeps a caller from hearing someone else's invoice.
    const pgQuery = [`IdentityId=="${customer.id.toLowerCase()}"`, `${query.searchField}=="${number}"`].join(PG_AND);
    const params: Array<[string, SoapValue]> = [
      ['userName', this.credentials.userName],
      ['password', this.credentials.password],
    ];
    if (search.order === 'query-typeCode') params.push(['query', pgQuery], ['crmObjectTypeCode', key]);
    else params.push(['typeKey', key], ['query', pgQuery]);
    const result = await this.soap.call({ service: search.service, operation: search.operation, params });
    this.requireSuccess(result, search.operation);
    const hit = listItems(child(result, search.list)).find((item) => (text(child(item, 'IdentityId')) ?? '').toLowerCase() === customer.id.toLowerCase());
    if (!hit) return { status: 'not-found' };
    const amount = this.itemAmount(hit, query.valueField);
    if (amount <= 0) return { status: 'not-found' };
    return {
      status: 'found',
      item: { type: query.type, number: text(child(hit, 'Number')) ?? number, amount, paid: text(child(hit, 'IsPayed')) === 'true' },
    };
  }

  async createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult> {
    this.requireCurrency(request.currency.code);
    if (!GUID.test(request.customer.id)) throw new CrmBadResponseError(`customer id "${request.customer.id}" is not a Payamgostar GUID`);
    // Members of PaymentLinkInfo in wire order (alphabetical, as DataContractSerializer writes them).
    const paymentLink: SoapValue = {
      members: [
        // The decimal as written, never a float: 1250000 rials, or 12.50 in a cents currency.
        ['Amount', decimalString(request.amount, this.settings.currency)],
        ['Description', `balance-ivr ${request.callSid}`],
        ['EmailAddress', null],
        ['ExpireAfterDays', this.settings.linkExpiryDays ?? 7],
        ['IdentityId', request.customer.id],
        ['MobilePhoneNumber', nationalMobile(request.mobile)],
        ['MoneyAccountUserKey', request.moneyAccount ?? null],
        ['PaymentTypeUserKey', this.settings.paymentTypeKey ?? null],
        ['RegisterReceipt', false],
      ],
    };
    const result = await this.soap.call({
      service: 'IEpay',
      operation: 'CreatePaymentLink',
      params: [
        ['username', this.credentials.userName],
        ['password', this.credentials.password],
        ['paymentLink', paymentLink],
      ],
    });
    this.requireSuccess(result, 'CreatePaymentLink');
    const url = text(child(result, 'PaymentLink'));
    if (!url || !/^https?:\/\//i.test(url)) throw new CrmBadResponseError('CreatePaymentLink succeeded without a PaymentLink URL');
    // PG texts the link to MobilePhoneNumber itself; the product must not send a second SMS.
    return { status: 'created', url, deliveredByCrm: true };
  }

  async moneyAccounts(): Promise<MoneyAccount[]> {
    const accounts: MoneyAccount[] = [];
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const result = await this.soap.call({
        service: 'IMoneyAccount',
        operation: 'GetMoneyAccountList',
        params: [
          ['userName', this.credentials.userName],
          ['password', this.credentials.password],
          ['pageIndex', page],
          ['pageSize', PAGE_SIZE],
        ],
      });
      this.requireSuccess(result, 'GetMoneyAccountList');
      const items = listItems(child(result, 'Items'));
      for (const item of items) {
        const key = text(child(item, 'UserKey'));
        if (key) accounts.push({ key, name: text(child(item, 'Name')) || key });
      }
      const total = Number(text(child(result, 'TotalCount')));
      const seen = (page + 1) * PAGE_SIZE;
      if (items.length < PAGE_SIZE || (Number.isFinite(total) && seen >= total)) break;
    }
    return accounts;
  }

  async itemTypes(): Promise<BillableItemType[]> {
    const types: BillableItemType[] = [];
    for (const entry of await this.crmObjectTypes(null)) {
      for (const type of INVOICE_TYPES) {
        if (PG_TYPE_OF[type] === entry.type && (type !== 'onlinePayment' || this.settings.itemTypeKeys?.onlinePayment === entry.key))
          types.push({ key: entry.key, name: entry.name, type });
      }
    }
    return types;
  }

  /** The PG type key to search for a module's invoice type: configured, or PG's first active type of that kind. */
  private async resolveType(type: InvoiceType): Promise<{ key: string; type: PgObjectType }> {
    const cached = this.typeKeys.get(type);
    if (cached) return cached;
    const configured = this.settings.itemTypeKeys?.[type];
    let resolved: { key: string; type: PgObjectType } | undefined;
    if (configured) {
      const info = await this.soap.call({
        service: 'ICrmObjectType',
        operation: 'GetCrmObjectTypeInfo',
        params: [
          ['username', this.credentials.userName],
          ['password', this.credentials.password],
          ['typeKeyOrId', configured],
        ],
      });
      this.requireSuccess(info, 'GetCrmObjectTypeInfo');
      const pgType = text(child(info, 'CrmObjectType'));
      if (!pgType || !(pgType in SEARCHES)) throw new CrmBadResponseError(`type "${configured}" is not a billable Payamgostar type (${pgType ?? 'none'})`);
      resolved = { key: text(child(info, 'UserKey')) || configured, type: pgType as PgObjectType };
    } else {
      const wanted = PG_TYPE_OF[type];
      const first = (await this.crmObjectTypes(wanted)).find((t) => t.type === wanted);
      if (!first) throw new CrmBadResponseError(`Payamgostar has no active ${wanted} type`);
      resolved = { key: first.key, type: wanted };
    }
    this.typeKeys.set(type, resolved);
    return resolved;
  }

  private async crmObjectTypes(index: PgObjectType | null): Promise<Array<{ key: string; name: string; type: PgObjectType }>> {
    const result = await this.soap.call({
      service: 'ICrmObjectType',
      operation: 'GetCrmObjectTypeList',
      params: [
        ['username', this.credentials.userName],
        ['password', this.credentials.password],
        ['crmObjectTypeIndex', index],
      ],
    });
    this.requireSuccess(result, 'GetCrmObjectTypeList');
    const types: Array<{ key: string; name: string; type: PgObjectType }> = [];
    for (const item of listItems(child(result, 'CrmObjectTypeList'))) {
      const type = text(child(item, 'CrmObjectType'));
      const key = text(child(item, 'UserKey'));
      if (!key || !type || !(type in SEARCHES) || text(child(item, 'IsActive')) === 'false') continue;
      types.push({ key, name: text(child(item, 'Name')) || key, type: type as PgObjectType });
    }
    return types;
  }

  private requireSuccess(result: Record<string, unknown>, operation: string): void {
    const success = text(child(result, 'Success'));
    if (success === 'true') return;
    if (success === 'false') throw new CrmUnsuccessfulError(operation, text(child(result, 'Message')));
    throw new CrmBadResponseError(`${operation}: Success is "${success ?? 'missing'}"`);
  }

  /** The identity in an IdentityInfoResult (IdentityInfo, or the first of IdentityInfoList); undefined = not found. */
  private identityFrom(result: Record<string, unknown>, operation: string): { customer: Customer; balance: number } | undefined {
    this.requireSuccess(result, operation);
    const single = child(result, 'IdentityInfo');
    const info =
      typeof single === 'object' && single !== null && !isNil(single) ? (single as Record<string, unknown>) : listItems(child(result, 'IdentityInfoList'))[0];
    if (!info) return undefined;
    const id = text(child(info, 'CrmId'));
    if (!id || !GUID.test(id)) throw new CrmBadResponseError(`${operation}: identity without a CrmId GUID`);
    const rawBalance = text(child(info, 'Balance'));
    // Nil Balance = no balance recorded = nothing owed (PG's own meaning, not a guess).
    const read =
      rawBalance === undefined || rawBalance === '' ? ({ ok: true, minor: 0 } as const) : parseTextAmount(rawBalance, this.settings.currency, CRM_TEXT);
    if (!read.ok) throw new CrmBadResponseError(`${operation}: Balance "${rawBalance}" is not an exact ${this.settings.currency} amount (${read.problem})`);
    const balance = read.minor;
    const customerNumber = text(child(info, 'CustomerNumber'));
    const name =
      text(child(info, 'NickName')) || [text(child(info, 'FirstName')), text(child(info, 'LastName'))].filter(Boolean).join(' ') || text(child(info, 'Name'));
    const mobile = mobileOf(info, this.settings.defaultCountryCode ?? '98');
    return {
      balance,
      customer: { id: id.toLowerCase(), ...(customerNumber ? { customerNumber } : {}), ...(name ? { name } : {}), ...(mobile ? { mobile } : {}) },
    };
  }

  private itemAmount(item: Record<string, unknown>, valueField: string): number {
    let raw: string | undefined;
    if (valueField === 'FinalValue') raw = text(child(item, 'FinalValue'));
    else {
      const property = listItems(child(item, 'ExtendedProperties')).find((p) => text(child(p, 'UserKey')) === valueField);
      if (!property) throw new CrmBadResponseError(`item has no extended property "${valueField}"`);
      raw = text(child(property, 'Value'));
    }
    const amount = parseTextAmount(raw ?? '', this.settings.currency, CRM_TEXT);
    if (!amount.ok) throw new CrmBadResponseError(`item ${valueField} "${raw ?? ''}" is not an exact ${this.settings.currency} amount (${amount.problem})`);
    return amount.minor;
  }

  /** PG keeps one currency, its lookup source's; a module in another is refused, never converted. */
  private requireCurrency(currency: CurrencyCode): void {
    if (currency !== this.settings.currency)
      throw new CrmError('currency-mismatch', `lookup source ${this.source} keeps ${this.settings.currency}, asked for ${currency}`);
  }
}

function mobileOf(info: Record<string, unknown>, countryCode: string): string | undefined {
  for (const phone of listItems(child(info, 'PhoneContacts'))) {
    if (text(child(phone, 'IsDeleted')) === 'true') continue;
    if (!MOBILE_WORDS.test(text(child(phone, 'PhoneType')) ?? '')) continue;
    const number = canonicalPhone(text(child(phone, 'PhoneNumber')) ?? '', countryCode);
    if (number) return number;
  }
  return undefined;
}

/**
 * The one spelling a caller's number is looked up in: national (`0` + the national number) for
 * a number of the default country, `+989121234567` → `09121234567`, `+982188776655` →
 * `02188776655`; E.164 for any other country; a short code as it is; undefined for no number.
 *
 * The original client sends one number, the one it is given, unchanged (crm-contracts.md B.4).
 * The contract does not say which form AloVoIP hands it; its only Iranian number is national
 * (`"mobileNumber":"0912..."`, A.3), the form PG texts mobiles in (nationalMobile below) and
 * the caller ID of an Iranian line. Twilio gives E.164, so the number is converted once, here,
 * instead of trying every spelling (one request each: five for an unknown caller). Numbers of
 * other countries go as Twilio gives them. The contract documents no normalisation on PG's
 * side, so a record stored in another spelling (`+98912…`, `98912…`) is not found by this
 * lookup; the README says how to store numbers.
 */
export function payamgostarPhone(raw: string, defaultCountryCode: string): string | undefined {
  const canonical = canonicalPhone(raw, defaultCountryCode);
  if (!canonical) return undefined;
  const countryPrefix = `+${defaultCountryCode.replace(/^\+/, '')}`;
  return canonical.startsWith(countryPrefix) ? `0${canonical.slice(countryPrefix.length)}` : canonical;
}

/** PG stores and texts Iranian mobiles as 09…; other numbers go as E.164. */
function nationalMobile(e164: string): string {
  return /^\+989\d{9}$/.test(e164) ? `0${e164.slice(3)}` : e164;
}
