/**
 * Ports: what the product needs from the outside world, named for what they do.
 * Adapters live beside their technology (lib/store, lib/crm, lib/speech) and are wired
 * once in lib/composition/ (one file per function). Handlers and the flow depend only on these interfaces.
 */
import type { LookupSource } from './config/lookup-source-schema';
import type { Destination, InvoiceType, Language, ModuleConfig, PromptKey, PromptOverride } from './config/module-schema';
import type { Session } from './flow/session';

/** A customer as the CRM identifies them. */
export interface Customer {
  readonly id: string;
  readonly customerNumber?: string;
  readonly name?: string;
  readonly mobile?: string;
}

/** The CRM's answer to "who is this?": found, not found, or the lookup itself failed. */
export type IdentityResult =
  | { readonly status: 'found'; readonly customer: Customer }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

/**
 * Account balance, normalised: `owed` ≥ 0 is what the customer owes; `credit` ≥ 0 what the
 * business owes them. At most one of the two is non-zero. A failed lookup is never a zero.
 */
export type BalanceResult =
  | { readonly status: 'ok'; readonly owed: number; readonly credit: number }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

export interface MoneyAccount {
  readonly key: string;
  readonly name: string;
}

export interface BillableItemType {
  readonly key: string;
  readonly name: string;
  readonly type: InvoiceType;
}

/** Find one billable item of a customer by number (the module's invoice type and fields). */
export interface ItemQuery {
  readonly type: InvoiceType;
  /** The value the caller typed. */
  readonly number: string;
  /** Field the number is searched in (default `Number`). */
  readonly searchField: string;
  /** Field holding the amount (default `FinalValue`). */
  readonly valueField: string;
}

export interface BillableItem {
  readonly type: InvoiceType;
  readonly number: string;
  /** In rials, > 0. */
  readonly amount: number;
  readonly paid: boolean;
  readonly moneyAccount?: string;
}

/** Items are only ever searched among the identified customer's own items. */
export type ItemResult =
  | { readonly status: 'found'; readonly item: BillableItem }
  | { readonly status: 'not-found' }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

export interface PaymentLinkRequest {
  readonly customer: Customer;
  /** In rials, > 0. */
  readonly amount: number;
  /** E.164 mobile the caller typed; the link goes there. */
  readonly mobile: string;
  readonly moneyAccount?: string;
  /** Item numbers the payment settles; empty = the account balance. */
  readonly items: readonly string[];
  readonly invoiceType: InvoiceType;
  readonly language: Language;
  /** Idempotency: one link per call and step. */
  readonly callSid: string;
  /** How the caller heard the amount (the module's currency); the SMS and page show the same. Default rials. */
  readonly display?: { readonly unit: 'rial' | 'toman'; readonly divisor: number };
}

export type PaymentLinkResult =
  | {
      readonly status: 'created';
      readonly url: string;
      /** Some CRMs (Payamgostar) send the SMS themselves; then the product must not send another. */
      readonly deliveredByCrm: boolean;
      readonly reference?: string;
    }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

export interface Crm {
  /** Name of the lookup source, for logs and the call log. */
  readonly source: string;
  identifyByPhone(phone: string): Promise<IdentityResult>;
  identifyByCustomerNumber(customerNumber: string): Promise<IdentityResult>;
  balance(customer: Customer): Promise<BalanceResult>;
  findItem(customer: Customer, query: ItemQuery): Promise<ItemResult>;
  createPaymentLink(request: PaymentLinkRequest): Promise<PaymentLinkResult>;
  moneyAccounts(): Promise<MoneyAccount[]>;
  itemTypes(): Promise<BillableItemType[]>;
  /**
   * Checks a customer's telephone password (customer club, identification by customer number
   * and password). Optional: a CRM without it answers every check as `unsupported`.
   * Implementations compare in constant time and do the same work when no password is set.
   */
  verifyPhonePassword?(customer: Customer, password: string): Promise<PasswordCheck>;
}

export type PasswordCheck =
  | { readonly status: 'match' }
  | { readonly status: 'mismatch' }
  | { readonly status: 'unsupported'; readonly source: string }
  | { readonly status: 'failed'; readonly source: string; readonly reason: string };

/**
 * Counts failed password attempts per key (a customer number, a calling number) in a window
 * and locks a key for a while once it reaches the limit.
 */
export interface AttemptLimiter {
  /** True when any of the keys is locked now. */
  isLocked(keys: readonly string[]): Promise<boolean>;
  /** Counts one failure against every key; true when any of them is locked afterwards. */
  recordFailure(keys: readonly string[]): Promise<boolean>;
  /** Forgets the failures of a key (after a successful check). */
  clear(key: string): Promise<void>;
}

/** What became of the payment link the flow asked for (performed once per call). */
export type PaymentLinkOutcome =
  | { readonly status: 'sent'; readonly deliveredByCrm: boolean; readonly segments?: number }
  | { readonly status: 'limit-reached'; readonly limit: 'mobile' | 'caller' }
  | { readonly status: 'not-sent'; readonly reason: string };

/** An SMS to one number. */
export interface SmsMessage {
  /** E.164. */
  readonly to: string;
  readonly body: string;
  /** For the outbox and logs. */
  readonly callSid?: string;
}

export type SmsFailure = 'invalid-number' | 'unsubscribed' | 'rate-limited' | 'provider-error' | 'rejected' | 'unreachable';

export type SmsResult =
  | { readonly status: 'sent'; readonly id: string; readonly segments: number }
  | { readonly status: 'failed'; readonly reason: SmsFailure; readonly code?: number; readonly httpStatus?: number };

/** Sends text messages (Twilio Messages API in production, the DynamoDB outbox locally). */
export interface SmsSender {
  readonly channel: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

/** A payment the payment page asks a provider to take. Amount in rials. */
export interface PaymentCharge {
  readonly linkId: string;
  readonly amount: number;
  readonly customerId: string;
  readonly description: string;
}

export type PaymentChargeResult =
  | { readonly status: 'paid'; readonly reference: string }
  | { readonly status: 'declined' | 'failed'; readonly reason: string };

/**
 * Takes the money for a payment link. The embedded SandboxPaymentProvider settles at once;
 * a real gateway implements the same port (see README "Payment providers").
 */
export interface PaymentProvider {
  readonly name: string;
  /** True for test providers: the page says so in large letters. */
  readonly sandbox: boolean;
  charge(charge: PaymentCharge): Promise<PaymentChargeResult>;
}

/** Named lookup sources (CRM connections); the built-in `ledger` is not stored. */
export interface LookupSourceStore {
  getSource(name: string): Promise<LookupSource | undefined>;
  putSource(source: LookupSource): Promise<void>;
  listSources(): Promise<LookupSource[]>;
  /** Stores a new source; false when the name is taken. */
  createSource(source: LookupSource): Promise<boolean>;
  /** Replaces an existing source; false when there is none by that name. */
  updateSource(source: LookupSource): Promise<boolean>;
  /** False when there was none by that name. */
  deleteSource(name: string): Promise<boolean>;
}

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

/** Reads a secret by name (a CRM password). Values are never logged or returned by any API. */
export interface SecretResolver {
  /** Throws SecretNotFoundError when no secret has this name. */
  resolve(name: string): Promise<string>;
}

/** Chooses the CRM for a module (built-in ledger, Payamgostar, AloVoIP-compatible HTTP). */
export interface CrmResolver {
  forModule(module: Pick<ModuleConfig, 'code' | 'lookupSource'>): Crm;
}

export class StaleSessionError extends Error {
  override readonly name = 'StaleSessionError';
}

export interface SessionStore {
  get(callSid: string): Promise<Session | undefined>;
  /**
   * Stores `next` only if the stored session is still at `expectedTurn` (or absent when
   * `expectedTurn` is undefined). Throws StaleSessionError when another delivery won.
   */
  save(next: Session, expectedTurn: number | undefined): Promise<void>;
}

export interface ModuleStore {
  getModule(code: string): Promise<ModuleConfig | undefined>;
  getDestination(code: string): Promise<Destination | undefined>;
  putModule(module: ModuleConfig): Promise<void>;
  putDestination(destination: Destination): Promise<void>;
  listModules(): Promise<ModuleConfig[]>;
  listDestinations(): Promise<Destination[]>;
}

export type CallOutcome = 'next' | 'error' | 'no-debt' | 'abandoned' | 'failed';

export interface CallLogEntry {
  readonly callSid: string;
  readonly moduleCode: string;
  readonly from: string;
  readonly to: string;
  readonly outcome: CallOutcome;
  readonly reason?: string;
  readonly lastStep: string;
  readonly callStatus: string;
  readonly durationSeconds?: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly customerId?: string;
  readonly owed?: number;
  readonly destination?: string;
}

export interface CallLog {
  record(entry: CallLogEntry): Promise<void>;
  get(callSid: string): Promise<CallLogEntry | undefined>;
}

/** One piece of audio for TwiML: a <Say> or a <Play>. */
export type SpeechSegment =
  | { readonly kind: 'say'; readonly text: string; readonly voice: string; readonly language: string }
  | { readonly kind: 'play'; readonly url: string; readonly transcript: string };

/** What the flow wants said; the Speech port decides how it is heard. */
export type SpeechItem =
  | { readonly prompt: import('./config/module-schema').PromptKey }
  | { readonly amount: number; readonly unit: 'rial' | 'toman' };

export interface Speech {
  render(items: readonly SpeechItem[], module: { language: Language; prompts: Partial<Record<PromptKey, PromptOverride>> }): Promise<SpeechSegment[]>;
}

/** What the admin API needs beyond ModuleStore: create only when new, update only when present, delete. */
export interface ModuleEditor extends ModuleStore {
  /** false when the code is taken. */
  createModule(module: ModuleConfig): Promise<boolean>;
  /** false when no module has this code. */
  updateModule(module: ModuleConfig): Promise<boolean>;
  deleteModule(code: string): Promise<void>;
  createDestination(destination: Destination): Promise<boolean>;
  updateDestination(destination: Destination): Promise<boolean>;
  deleteDestination(code: string): Promise<void>;
}

export interface CallLogQuery {
  readonly moduleCode?: string;
  readonly outcome?: CallOutcome;
  /** Inclusive ISO day bounds (YYYY-MM-DD), UTC. */
  readonly fromDay: string;
  readonly toDay: string;
  readonly limit: number;
  /** Opaque cursor from the previous page. */
  readonly cursor?: string;
}

export interface CallLogPage {
  readonly entries: CallLogEntry[];
  readonly nextCursor?: string;
}

/** Per day (YYYY-MM-DD), how many calls ended with each outcome. */
export type OutcomesPerDay = Record<string, Partial<Record<CallOutcome, number>>>;

/** Reading the call log for operators, newest first. */
export interface CallLogSearch {
  search(query: CallLogQuery): Promise<CallLogPage>;
  outcomesPerDay(query: Omit<CallLogQuery, 'limit' | 'cursor' | 'outcome'>): Promise<OutcomesPerDay>;
}

/**
 * Audio objects the product stores and Twilio fetches: cached synthesized speech (`tts/…`) and
 * uploaded recordings (`uploads/…`). Names are content hashes, so an object never changes.
 */
export interface AudioStore {
  exists(key: string): Promise<boolean>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Default cache policy: immutable for a year (content-hash names). */
  put(key: string, bytes: Uint8Array, contentType: string, options?: { readonly cacheControl?: string }): Promise<void>;
}

export interface SynthesisRequest {
  readonly text: string;
  readonly voice: string;
  readonly engine: string;
  readonly format: 'mp3';
  readonly sampleRate: string;
}

/** Text to speech (Amazon Polly when deployed). */
export interface SpeechSynthesizer {
  synthesize(request: SynthesisRequest): Promise<Uint8Array>;
}
