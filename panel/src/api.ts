/** Calls to the admin API with the key from this tab's sessionStorage; errors keep their field messages. */
import type { Lang } from './i18n';
import type { CurrencyCode } from './money';

const KEY_STORAGE = 'balance-ivr-admin-key';
const API = '/admin/api';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[],
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The message for one field (dotted path), if the API named it. */
  forField(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** An error's message, followed by what still uses the thing when the API says (a 409 on delete or disable). */
export function messageWithUsedBy(e: unknown): string {
  const err = e as ApiError;
  const usedBy = (err.body?.usedBy as string[] | undefined) ?? [];
  return `${err.message}${usedBy.length ? ` (${usedBy.join(', ')})` : ''}`;
}

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

let currentLang: Lang = 'en';
let onUnauthorized: () => void = () => undefined;

export function configureApi(options: { lang: Lang; onUnauthorized: () => void }): void {
  currentLang = options.lang;
  onUnauthorized = options.onUnauthorized;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw body (CSV text, audio bytes) with its content type. */
  raw?: { data: BodyInit; type: string };
  query?: Record<string, string | number | undefined>;
  key?: string;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const params = new URLSearchParams({ lang: currentLang });
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') params.set(name, String(value));
  const headers: Record<string, string> = { Authorization: `Bearer ${options.key ?? storedKey() ?? ''}`, Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.raw) {
    headers['Content-Type'] = options.raw.type;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${API}${path}?${params}`, { method: options.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    if (response.status === 401 && !options.key) onUnauthorized();
    throw new ApiError(
      response.status,
      String(json.error ?? response.status),
      String(json.message ?? response.statusText),
      (json.errors as FieldError[] | undefined) ?? [],
      json,
    );
  }
  return json as T;
}

/* Shapes the API answers with (see /admin/api/openapi.json). */

export type InvoiceType = 'invoice' | 'proforma' | 'receipt' | 'payment' | 'salesReturn' | 'onlinePayment';
export type PromptKey = string;

export interface PromptOverride {
  text?: string;
  audioKey?: string;
}

export interface Module {
  kind?: 'balance' | 'club';
  code: string;
  name: string;
  enabled: boolean;
  language: Lang;
  /** `{ code, unit? }` (unit for IRR only); a record saved long ago may still hold `{ unit, divisor }`. */
  currency: { code?: string; unit?: 'rial' | 'toman'; divisor?: number };
  anonymousMode: boolean;
  forceMobileEntry: boolean;
  sendPaymentLink: boolean;
  askItemNumber: boolean;
  invoiceType: InvoiceType;
  invoiceValueField: string;
  invoiceSearchField: string;
  financialAccount?: string;
  lookupSource: string;
  prompts: Record<PromptKey, PromptOverride>;
  nextDestination: string;
  errorDestination: string;
  maxAttempts: number;
  gatherTimeoutSeconds: number;
  confirmBeforeNext: boolean;
  /** Persian only: recorded clips (absent) or the neural voice. */
  voice?: PersianVoice;
  /** Card payment in the call (Twilio <Pay>); absent = off. */
  cardPayment?: CardPaymentSettings;
}

export interface CardPaymentSettings {
  enabled: boolean;
  connector: string;
  paymentMethod: 'credit-card';
  postalCode: boolean;
  securityCode: boolean;
  maxAttempts: number;
}

export type PersianVoice = 'clips' | 'neural';

export type Destination =
  | { type: 'module'; code: string; name?: string; moduleCode: string }
  | { type: 'dial'; code: string; name?: string; target: string; timeoutSeconds?: number }
  | { type: 'redirect'; code: string; name?: string; url: string }
  | { type: 'hangup'; code: string; name?: string };

export type IdentificationMethod = 'caller-number' | 'customer-number' | 'customer-number-and-password';
/** A club prompt: an override, or `{ play: false }` to stay silent there. */
export type ClubPrompt = PromptOverride | { play: false };

export interface ClubModule {
  kind: 'club';
  code: string;
  name: string;
  enabled: boolean;
  language: Lang;
  identification: IdentificationMethod;
  customerNumberPrefix?: string;
  maxAttempts: number;
  gatherTimeoutSeconds: number;
  lookupSource: string;
  prompts: Record<string, ClubPrompt>;
  nextDestination: string;
  errorDestination: string;
  voice?: PersianVoice;
}

export type LookupSource =
  | {
      type: 'payamgostar';
      name: string;
      host: string;
      username: string;
      currency?: CurrencyCode;
      itemTypeKeys?: Record<string, string>;
      paymentTypeKey?: string;
      linkExpiryDays?: number;
    }
  | { type: 'http'; name: string; host: string; auth: 'basic' | 'none'; username?: string; currency?: CurrencyCode; itemTypeKeys?: Record<string, string> };

export interface LookupSourceView {
  name: string;
  builtIn: boolean;
  source?: LookupSource;
  /** Where this source's password must be put: always its own secret crm/<name>. */
  secret?: { name: string; from: 'env' | 'ssm'; location: string };
  usedBy: string[];
  /** Said with a change (the password going to a new host). */
  warnings?: { code: string; message: string }[];
}

/** One admin change, as the Activity page lists it (GET /audit). */
export interface AuditEntry {
  id: string;
  at: string;
  key: 'current' | 'next';
  sourceIp?: string;
  area: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
  warnings?: string[];
  /** The change failed part-way (an import): some of it may be in place. */
  failed?: boolean;
}

export interface ConnectionTest {
  ok: boolean;
  reason?: string;
  moneyAccounts?: number;
  elapsedMs: number;
  message: string;
}

export interface ModuleRow {
  module: Module;
  webhookUrl: string;
  nextDestination: Destination | null;
  errorDestination: Destination | null;
}

export interface Meta {
  languages: Lang[];
  invoiceTypes: InvoiceType[];
  /** ISO 4217 codes a module, a lookup source or a money account can use. */
  currencies: CurrencyCode[];
  currencyUnits: ('rial' | 'toman')[];
  /** LEDGER_CURRENCY: the built-in ledger's currency for records that name none. */
  ledgerCurrency: CurrencyCode;
  outcomes: string[];
  auditAreas: string[];
  auditActions: string[];
  /** Statuses of a payment record (GET /payments). */
  paymentStatuses: PaymentEntry['status'][];
  limits: {
    maxAttempts: { min: number; max: number; default: number };
    gatherTimeoutSeconds: { min: number; max: number; default: number };
    promptTextMaxLength: number;
  };
  prompts: { key: PromptKey; defaults: Record<Lang, string> }[];
  /** The club form's prompts: its own name, and the catalogue key a preview speaks. */
  clubPrompts: { name: string; key: PromptKey; defaults: Record<Lang, string> }[];
  identificationMethods: IdentificationMethod[];
  lookupSources: string[];
  publicBaseUrl: string;
  audioBaseUrl: string;
  /** persianVoice: the Persian synthesizer configured, or null (Persian text then needs a recording). */
  features: { recordings: boolean; outbox: boolean; persianVoice: 'azure' | 'espeak' | null; payments?: boolean; bulkImport?: boolean };
  persianVoices: PersianVoice[];
}

export interface CallEntry {
  callSid: string;
  moduleCode: string;
  from: string;
  to: string;
  outcome: string;
  reason?: string;
  lastStep: string;
  callStatus: string;
  durationSeconds?: number;
  startedAt: string;
  endedAt: string;
  customerId?: string;
  /** Minor units of `currency`. */
  owed?: number;
  currency?: CurrencyCode;
  destination?: string;
  /** A card payment taken in the call: minor units of `currency`, the gateway's confirmation code, the card's last four digits. */
  paid?: { amount: number; currency: CurrencyCode; confirmationCode: string; maskedCard?: string };
  /** Payments through this call's link taken for a debt already settled (their record ids). */
  refundNeeded?: string[];
}

/** One payment a provider took (GET /payments). */
export interface PaymentEntry {
  id: string;
  provider: 'sandbox' | 'stripe' | 'zarinpal' | 'twilio-pay';
  status: 'paid' | 'refund-needed' | 'failed';
  /** Minor units of `currency`. */
  amount: number;
  currency: CurrencyCode;
  customerId: string;
  reference: string;
  linkId?: string;
  callSid?: string;
  moduleCode?: string;
  maskedCard?: string;
  refundReason?: string;
  createdAt: string;
  handledAt?: string;
}

export interface Customer {
  id: string;
  customerNumber?: string;
  name?: string;
  phones: string[];
  mobile?: string;
  /** Whole minor units per currency (rials, cents); empty with balanceError. */
  balances: { currency: CurrencyCode; owed: number; credit: number }[];
  balanceError?: 'unreadable-amount' | 'amount-out-of-range';
  itemCount: number;
}

export interface Item {
  customerId: string;
  type: InvoiceType;
  number: string;
  fields: Record<string, string | number>;
  moneyAccount?: string;
  currency?: CurrencyCode;
  status: 'open' | 'paid';
}

export interface ImportProblem extends FieldError {
  section: string;
  row: number;
  line?: number;
}
