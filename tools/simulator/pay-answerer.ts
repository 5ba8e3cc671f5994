/**
 * Answers each <Pay> as Twilio would after the caller typed (or did not type) a card: the
 * form parameters Twilio posts to the <Pay> action for each Result, and the status callbacks it
 * sends on the way. Scripted (`--pay success,decline`, one entry per <Pay>) or asked on the
 * terminal; with neither, or once the list is used up, the caller types nothing (an input
 * timeout). No real card number is ever made up: Twilio sends the card masked, and so does this.
 */

/** What the simulated caller does at a <Pay>. */
export const PAY_ANSWERS = [
  'success',
  'decline',
  'connector-error',
  'timeout',
  'too-many-attempts',
  'star',
  'hangup',
  'validation-error',
  'internal-error',
] as const;
export type PayAnswer = (typeof PAY_ANSWERS)[number];

export function isPayAnswer(value: string): value is PayAnswer {
  return (PAY_ANSWERS as readonly string[]).includes(value);
}

/** What the caller is asked to pay, from the <Pay> attributes (the action resolved). */
export interface PayQuestion {
  action: string;
  chargeAmount?: string;
  currency?: string;
  postalCode: boolean;
  securityCode: boolean;
  maxAttempts: number;
}

/** Twilio's `Result` for each answer (twilio.com/docs/voice/twiml/pay). */
const RESULT: Record<PayAnswer, string> = {
  success: 'success',
  decline: 'payment-connector-error',
  'connector-error': 'payment-connector-error',
  timeout: 'too-many-failed-attempts',
  'too-many-attempts': 'too-many-failed-attempts',
  star: 'caller-interrupted-with-star',
  hangup: 'caller-hung-up',
  'validation-error': 'validation-error',
  'internal-error': 'internal-error',
};

/** The masked card Twilio reports (Stripe's test Visa, last four digits only). */
export const SIMULATED_CARD = 'xxxx-xxxx-xxxx-4242';

/** The <Pay> action's parameters (besides the call's own) for an answer. */
export function payActionParams(answer: PayAnswer, question: PayQuestion, confirmationCode: string): Record<string, string> {
  const result = RESULT[answer];
  const card = { PaymentMethod: 'credit-card', PaymentCardNumber: SIMULATED_CARD, PaymentCardType: 'visa', ExpirationDate: '1230' };
  switch (answer) {
    case 'success':
      return {
        Result: result,
        PaymentConfirmationCode: confirmationCode,
        ...card,
        ...(question.securityCode ? { SecurityCode: '***' } : {}),
        ...(question.postalCode ? { PaymentCardPostalCode: '94107' } : {}),
      };
    case 'decline':
      return { Result: result, ...card, PaymentError: 'card is declined', ConnectorError: 'card_declined' };
    case 'connector-error':
      return { Result: result, ...card, PaymentError: 'payment gateway unavailable', ConnectorError: 'api_connection_error' };
    case 'timeout':
      return { Result: result, PaymentMethod: 'credit-card', PaymentError: 'input-timeout' };
    case 'too-many-attempts':
      return { Result: result, PaymentMethod: 'credit-card', PaymentError: 'invalid-card-number' };
    case 'validation-error':
      return { Result: result, PaymentError: 'invalid paymentConnector', PayErrorCode: '64004' };
    default:
      return { Result: result, PaymentMethod: 'credit-card' };
  }
}

/** The card steps the caller goes through before the answer, in order (for prompts and status callbacks). */
export function stepsReached(answer: PayAnswer, question: Pick<PayQuestion, 'postalCode' | 'securityCode'>): string[] {
  const all = [
    'payment-card-number',
    'expiration-date',
    ...(question.securityCode ? ['security-code'] : []),
    ...(question.postalCode ? ['postal-code'] : []),
    'payment-processing',
  ];
  switch (answer) {
    case 'success':
    case 'decline':
    case 'connector-error':
    case 'internal-error':
      return all;
    case 'validation-error':
      return [];
    default:
      return ['payment-card-number'];
  }
}

/**
 * The status callbacks Twilio sends while the caller types: one per step reached, and for a
 * timeout or wrong numbers one per failed attempt at the card number. The card appears masked
 * once it was typed; the security code never appears.
 */
export function payStatusParams(answer: PayAnswer, question: PayQuestion): Record<string, string>[] {
  if (answer === 'timeout' || answer === 'too-many-attempts') {
    const errorType = answer === 'timeout' ? 'input-timeout' : 'invalid-card-number';
    return Array.from({ length: question.maxAttempts }, (_, i) => ({
      For: 'payment-card-number',
      ErrorType: errorType,
      Attempt: String(i + 1),
      PaymentMethod: 'credit-card',
    }));
  }
  return stepsReached(answer, question).map((step, i) => ({
    For: step,
    Attempt: '1',
    PaymentMethod: 'credit-card',
    ...(i > 0 ? { PaymentCardNumber: SIMULATED_CARD, PaymentCardType: 'visa' } : {}),
  }));
}

export interface PayAnswerer {
  answer(question: PayQuestion): Promise<PayAnswer>;
}

/** Interactive answer provider (tests pass one; the default reads the terminal through the gather answerer's prompt). */
export type AskForPay = (question: string) => Promise<string>;

export function payAnswerer(options: { pay?: PayAnswer[]; ask?: AskForPay }): PayAnswerer {
  if (options.pay) {
    const queue = [...options.pay];
    return { answer: async () => queue.shift() ?? 'timeout' };
  }
  const { ask } = options;
  if (!ask) return { answer: async () => 'timeout' };
  return {
    answer: async (question) => {
      for (;;) {
        const amount = [question.chargeAmount, question.currency].filter(Boolean).join(' ');
        const entry = (await ask(`💳 Pay ${amount}: ${PAY_ANSWERS.join(' | ')} (empty = timeout): `)).trim();
        if (entry === '') return 'timeout';
        if (isPayAnswer(entry)) return entry;
      }
    },
  };
}
