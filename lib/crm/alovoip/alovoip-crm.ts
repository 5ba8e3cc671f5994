/**
 * Any CRM implementing AloVoIP's open HTTP lookup contract ("Other" lookup source;
 * shared/reference/crm-contracts.md, part A), exactly as AloVoIP's own client puts it on
 * the wire: every operation a POST to `{host}/<Route>`, camelCase JSON with explicit
 * nulls, no body at all for the no-argument operations, Basic or no authentication.
 * Answers are read case-insensitively (camelCase or PascalCase); `null` means not found,
 * `{}` means empty; a value of the wrong type is a CrmBadResponseError, never guessed at.
 *
 * Basic credentials are encoded as UTF-8 (RFC 7617), so a Persian password arrives intact;
 * AloVoIP's client sends ASCII, which turns every non-ASCII character into "?".
 */
import { INVOICE_TYPES, type InvoiceType } from '../../config/module-constants';
import { canonicalPhone } from '../../domain/phone';
import type { Crm } from '../crm';
import type { BalanceResult } from '../../domain/balance';
import type { BillableItemType, ItemQuery, ItemResult, MoneyAccount } from '../../domain/billable-item';
import type { Customer, IdentityResult } from '../../domain/customer';
import type { PaymentLinkRequest, PaymentLinkResult } from '../../domain/payment-link';
import { CrmBadResponseError, CrmError, CrmHttpError, CrmUnsuccessfulError } from '../crm-errors';
import { crmNumber, parseCrmNumber, type CurrencyCode } from '../../domain/money';
import { joinUrl, type CrmTransport } from '../crm-http';

export interface AlovoipSettings {
  readonly source: string;
  readonly host: string;
  /** The currency the CRM's amounts are in (JSON numbers in major units: 1250000 rials, 12.5 dollars). */
  readonly currency: CurrencyCode;
  readonly auth: 'basic' | 'none';
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs: number;
  /** The HTTP path, with the stage's host policy (crm-http.ts). */
  readonly transport: CrmTransport;
  /** Module invoice type → the CRM's billableObjectTypeKey (default: the type's own name). */
  readonly itemTypeKeys?: Partial<Record<InvoiceType, string>>;
  readonly defaultCountryCode?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const MOBILE_WORDS = /mobile|cell|موبایل|همراه/i;

export class AlovoipHttpCrm implements Crm {
  readonly source: string;

  constructor(private readonly settings: AlovoipSettings) {
    this.source = settings.source;
  }

  async identifyByPhone(phone: string): Promise<IdentityResult> {
    return this.identity(await this.post('GetIdentityByPhoneNumber', { phoneNumber: phone }));
  }

  async identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult> {
    return this.identity(await this.post('GetIdentityByCustomerNumber', { customerNumber }));
  }

  async balance(customer: Customer, currency: CurrencyCode): Promise<BalanceResult> {
    this.requireCurrency(currency);
    const body = await this.post('GetCustomerBalance', { customerNo: customer.customerNumber ?? null, customerId: customer.id });
    // The contract's convention (as Payamgostar's implementation): a positive debt, or null when there is none.
    const raw = body === null ? null : field(body, 'balance', 'number', 'GetCustomerBalance');
    if (raw === null || raw === undefined) return { status: 'ok', owed: 0, credit: 0 };
    const balance = this.amount(raw, 'GetCustomerBalance: balance');
    return { status: 'ok', owed: balance > 0 ? balance : 0, credit: balance < 0 ? -balance : 0 };
  }

  async findItem(customer: Customer, query: ItemQuery): Promise<ItemResult> {
    this.requireCurrency(query.currency);
    const body = await this.post('GetPaymentInfo', {
      customerRequest: { customerNo: customer.customerNumber ?? null, customerId: customer.id },
      billableObjectTypeKey: this.typeKey(query.type),
      billableObjectNumber: query.number,
      lookupNumberFieldKey: query.searchField === 'Number' ? null : query.searchField,
      valueFieldKey: query.valueField === 'FinalValue' ? null : query.valueField,
    });
    if (body === null) return { status: 'not-found' };
    const identityId = field(body, 'identityId', 'string', 'GetPaymentInfo');
    const rawAmount = field(body, 'amount', 'number', 'GetPaymentInfo');
    if (rawAmount === null) throw new CrmBadResponseError('GetPaymentInfo: amount is null');
    // An item of another customer is never announced, whatever the CRM's search did.
    if (identityId && identityId.toLowerCase() !== customer.id.toLowerCase()) return { status: 'not-found' };
    if (rawAmount === undefined) return { status: 'not-found' };
    const amount = this.amount(rawAmount, 'GetPaymentInfo: amount');
    if (amount <= 0) return { status: 'not-found' };
    return { status: 'found', item: { type: query.type, number: query.number, amount, paid: false } };
  }

  async createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult> {
    this.requireCurrency(request.currency.code);
    const amount = crmNumber(request.amount, this.settings.currency);
    if (amount === undefined) throw new CrmError('amount-not-representable', `${request.amount} minor units cannot be sent exactly as a JSON number`);
    const body = await this.post('SendPaymentLinkToUser', {
      paymentInfo: { identityId: request.customer.id, amount },
      mobileNumber: request.mobile,
      moneyAccountUserKey: request.moneyAccount ?? null,
      resultMessage: null,
    });
    if (body === null) throw new CrmBadResponseError('SendPaymentLinkToUser answered null');
    const ok = field(body, 'isSuccess', 'boolean', 'SendPaymentLinkToUser');
    const message = field(body, 'message', 'string', 'SendPaymentLinkToUser');
    if (ok === null) throw new CrmBadResponseError('SendPaymentLinkToUser: isSuccess is null');
    if (!ok) throw new CrmUnsuccessfulError('SendPaymentLinkToUser', message ?? undefined);
    // The contract returns no URL; the CRM sends the link. A URL in `message` is kept for the log.
    return { status: 'created', url: message && /^https?:\/\//i.test(message) ? message : '', deliveredByCrm: true };
  }

  /** This CRM keeps one currency, its lookup source's; a module in another is refused, never converted. */
  private requireCurrency(currency: CurrencyCode): void {
    if (currency !== this.settings.currency)
      throw new CrmError('currency-mismatch', `lookup source ${this.source} keeps ${this.settings.currency}, asked for ${currency}`);
  }

  /** A JSON amount in major units → exact minor units; anything a binary number cannot hold exactly is a failure, never a guess. */
  private amount(value: number, what: string): number {
    const read = parseCrmNumber(value, this.settings.currency);
    if (!read.ok) throw new CrmBadResponseError(`${what} ${value} is not an exact ${this.settings.currency} amount (${read.problem})`);
    return read.minor;
  }

  async moneyAccounts(): Promise<MoneyAccount[]> {
    const body = await this.post('GetMoneyAccounts');
    if (body === null) return [];
    return keyNameList(body, 'moneyAccounts', 'GetMoneyAccounts');
  }

  async itemTypes(): Promise<BillableItemType[]> {
    const body = await this.post('GetBillableObjectTypes');
    if (body === null) return [];
    const types: BillableItemType[] = [];
    for (const entry of keyNameList(body, 'crmObjectTypes', 'GetBillableObjectTypes')) {
      for (const type of INVOICE_TYPES) if (this.typeKey(type) === entry.key) types.push({ ...entry, type });
    }
    return types;
  }

  /** Fields of a billable type (text, number, currency) an operator may pick as search or value field. */
  async itemTypeFields(typeKey: string): Promise<MoneyAccount[]> {
    // The route really ends in "Response" in AloVoIP's client.
    const body = await this.post('BillableObjectTypePropsResponse', { billableObjectTypeKey: typeKey });
    if (body === null) return [];
    return keyNameList(body, 'crmObjectTypes', 'BillableObjectTypePropsResponse');
  }

  private typeKey(type: InvoiceType): string {
    return this.settings.itemTypeKeys?.[type] ?? type;
  }

  private identity(body: JsonObject | null): IdentityResult {
    if (body === null) return { status: 'not-found' };
    const op = 'Identity';
    const id = field(body, 'id', 'string', op);
    // Non-nullable members of AloVoIP's DTO: null there is a broken answer, not "not found".
    for (const name of ['crmObjectTypeIndex'] as const) if (field(body, name, 'number', op) === null) throw new CrmBadResponseError(`${op}: ${name} is null`);
    for (const name of ['createDate', 'modifyDate'] as const) {
      const date = field(body, name, 'string', op);
      if (date === null || (date !== undefined && Number.isNaN(Date.parse(date)))) throw new CrmBadResponseError(`${op}: ${name} is not an ISO-8601 date`);
    }
    if (!id) return { status: 'not-found' };
    const customerNumber = field(body, 'customerNumber', 'string', op);
    const name = field(body, 'nickName', 'string', op);
    const mobile = this.mobile(body);
    return { status: 'found', customer: { id, ...(customerNumber ? { customerNumber } : {}), ...(name ? { name } : {}), ...(mobile ? { mobile } : {}) } };
  }

  private mobile(body: JsonObject): string | undefined {
    const contacts = field(body, 'phoneContacts', 'array', 'Identity');
    for (const contact of contacts ?? []) {
      if (typeof contact !== 'object' || contact === null || Array.isArray(contact))
        throw new CrmBadResponseError('Identity: phoneContacts holds a non-object');
      if (field(contact, 'isDeleted', 'boolean', 'Identity')) continue;
      if (!MOBILE_WORDS.test(field(contact, 'phoneType', 'string', 'Identity') ?? '')) continue;
      const number = canonicalPhone(field(contact, 'phoneNumber', 'string', 'Identity') ?? '', this.settings.defaultCountryCode ?? '98');
      if (number) return number;
    }
    return undefined;
  }

  private async post(route: string, body?: JsonObject): Promise<JsonObject | null> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    if (this.settings.auth === 'basic') {
      const pair = `${this.settings.username ?? ''}:${this.settings.password ?? ''}`;
      headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
    const response = await this.settings.transport.post({
      url: joinUrl(this.settings.host, route),
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      fallbackTimeoutMs: this.settings.timeoutMs,
    });
    if (response.status < 200 || response.status >= 300) throw new CrmHttpError(response.status);
    if (response.body.trim() === '') throw new CrmBadResponseError(`${route}: empty body`);
    let parsed: Json;
    try {
      parsed = JSON.parse(response.body) as Json;
    } catch {
      throw new CrmBadResponseError(`${route}: not JSON`);
    }
    if (parsed === null) return null;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new CrmBadResponseError(`${route}: expected an object`);
    return parsed;
  }
}

type Kinds = { string: string; number: number; boolean: boolean; array: Json[] };

/** A member read case-insensitively: undefined when absent, null when null, else the typed value. */
function field<K extends keyof Kinds>(body: JsonObject, name: string, kind: K, operation: string): Kinds[K] | null | undefined {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const value = body[key];
  if (value === null || value === undefined) return null;
  const ok = kind === 'array' ? Array.isArray(value) : typeof value === kind && (kind !== 'number' || Number.isFinite(value));
  if (!ok) throw new CrmBadResponseError(`${operation}: ${name} should be a ${kind}, got ${JSON.stringify(value).slice(0, 40)}`);
  return value as Kinds[K];
}

function keyNameList(body: JsonObject, name: string, operation: string): MoneyAccount[] {
  const out: MoneyAccount[] = [];
  for (const entry of field(body, name, 'array', operation) ?? []) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new CrmBadResponseError(`${operation}: ${name} holds a non-object`);
    const key = field(entry, 'key', 'string', operation);
    if (!key) continue;
    out.push({ key, name: field(entry, 'name', 'string', operation) || key });
  }
  return out;
}
