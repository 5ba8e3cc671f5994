/**
 * POST /voice/{code}/pay-status: Twilio's <Pay> statusCallback, sent on every change while the
 * caller types the card (which step, which error, which attempt). Logged only, for operators
 * following a payment that went wrong: it settles nothing and stores nothing. Of the card only
 * its type and last four digits are logged; the security code, expiry and token never are.
 */
import { maskCard } from '../domain/card-payment';
import type { AppLogger } from '../observability/logger';

/** The path step of the status callback under a module's webhook URL. */
export const PAY_STATUS_STEP = 'pay-status';

const SHORT = /^[A-Za-z0-9 _.,:-]{1,60}$/;

export function handlePayStatus(logger: AppLogger, moduleCode: string, params: Readonly<Record<string, string>>): void {
  const pick = (name: string) => {
    const value = params[name];
    return value !== undefined && SHORT.test(value) ? value : undefined;
  };
  logger.info('card payment in progress', {
    moduleCode: moduleCode.slice(0, 64),
    callSid: (params.CallSid ?? '').slice(0, 64),
    for: pick('For'),
    errorType: pick('ErrorType'),
    attempt: pick('Attempt'),
    required: pick('Required'),
    partialResult: pick('PartialResult'),
    paymentError: pick('PaymentError'),
    cardType: pick('PaymentCardType'),
    card: maskCard(params.PaymentCardNumber),
  });
}
