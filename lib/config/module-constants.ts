/**
 * The fixed vocabularies of module configuration. Kept apart from module-schema.ts (zod)
 * so the voice webhook, which only needs these names, does not bundle the validator.
 */
export const LANGUAGES = ['fa', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const INVOICE_TYPES = ['invoice', 'proforma', 'receipt', 'payment', 'salesReturn', 'onlinePayment'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

export const PROMPT_KEYS = [
  'intro',
  'enterMobile',
  'invalidMobile',
  'mobileNotFound',
  'retry',
  'yourBalanceIs',
  'owed',
  'inCredit',
  'noDebt',
  'notIdentified',
  'linkSent',
  'linkNotSent',
  'limitReached',
  'linkLimitReached',
  'enterItemNumber',
  'itemNotFound',
  'confirmContinue',
  'apology',
  'goodbye',
  // Card payment in the call (Twilio <Pay>): the offer, the <Prompt>s of each card step, the outcomes.
  'payOffer',
  'payEnterCardNumber',
  'payEnterExpiry',
  'payEnterSecurityCode',
  'payEnterPostalCode',
  'payNoInput',
  'payInvalidCard',
  'payInvalidExpiry',
  'payInvalidSecurityCode',
  'payProcessing',
  'paymentOf',
  'paymentReceived',
  'payDeclined',
  'payFailed',
  'payCancelled',
  'payNotCompleted',
  // Customer club prompts (catalogue keys; a club module configures them by CLUB_PROMPTS names).
  'clubIntro',
  'clubWelcome',
  'clubEnterCustomerNumber',
  'clubWrongNumber',
  'clubEnterPassword',
  'clubWrongPassword',
  'clubAuthenticationError',
] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];

/** The prompts a customer club module can configure, and the catalogue key each one overrides. */
export const CLUB_PROMPTS = {
  intro: 'clubIntro',
  welcome: 'clubWelcome',
  enterCustomerNumber: 'clubEnterCustomerNumber',
  wrongNumber: 'clubWrongNumber',
  enterPassword: 'clubEnterPassword',
  wrongPassword: 'clubWrongPassword',
  authenticationError: 'clubAuthenticationError',
} as const satisfies Record<string, PromptKey>;
export type ClubPromptName = keyof typeof CLUB_PROMPTS;

export const IDENTIFICATION_METHODS = ['caller-number', 'customer-number', 'customer-number-and-password'] as const;
export type IdentificationMethod = (typeof IDENTIFICATION_METHODS)[number];

/**
 * How a Persian module speaks: `clips`, the recorded clip pack (amounts word by word, joined
 * into one file per sentence), or `neural`, the configured Persian synthesizer (Azure AI
 * Speech) for every prompt and the amount sentence. English modules ignore it.
 */
export const PERSIAN_VOICES = ['clips', 'neural'] as const;
export type PersianVoice = (typeof PERSIAN_VOICES)[number];

/** How a caller pays by card inside the call (Twilio <Pay> `paymentMethod`); ACH needs bank prompts this product does not have. */
export const CARD_PAYMENT_METHODS = ['credit-card'] as const;
export type CardPaymentMethod = (typeof CARD_PAYMENT_METHODS)[number];
