/**
 * Renders the flow's actions as TwiML, only through twilio's VoiceResponse builder
 * (imported by subpath so the bundle stays small).
 */
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { Action, PayAction, PayPrompt } from '../flow/actions';
import type { SpeechSegment } from '../domain/speech-item';

/** A <Pay> <Prompt> whose speech items were already turned into audio segments. */
export type RenderablePayPrompt = Omit<PayPrompt, 'items'> & { readonly segments: readonly SpeechSegment[] };

/** An action whose speech items were already turned into audio segments by the Speech port. */
export type RenderableAction =
  | { readonly kind: 'say'; readonly segments: readonly SpeechSegment[] }
  | (Omit<Extract<Action, { kind: 'gather' }>, 'items'> & { readonly segments: readonly SpeechSegment[] })
  | (Omit<PayAction, 'prompts'> & { readonly prompts: readonly RenderablePayPrompt[] })
  | Exclude<Action, { kind: 'say' } | { kind: 'gather' } | { kind: 'pay' }>;

type Speaker = Pick<VoiceResponse, 'say' | 'play'> | Pick<VoiceResponse.Gather, 'say' | 'play'> | Pick<VoiceResponse.Prompt, 'say' | 'play'>;

function speak(target: Speaker, segments: readonly SpeechSegment[]): void {
  for (const segment of segments) {
    if (segment.kind === 'say') {
      target.say(
        { voice: segment.voice as VoiceResponse.SayAttributes['voice'], language: segment.language as VoiceResponse.SayAttributes['language'] },
        segment.text,
      );
    } else {
      target.play({}, segment.url);
    }
  }
}

export function renderTwiml(actions: readonly RenderableAction[]): string {
  const response = new VoiceResponse();
  for (const action of actions) {
    switch (action.kind) {
      case 'say':
        speak(response, action.segments);
        break;
      case 'gather': {
        const gather = response.gather({
          input: ['dtmf'],
          action: action.action,
          method: 'POST',
          timeout: action.timeoutSeconds,
          finishOnKey: action.finishOnKey,
          actionOnEmptyResult: true,
          ...(action.numDigits ? { numDigits: action.numDigits } : {}),
        });
        speak(gather, action.segments);
        break;
      }
      case 'pay': {
        // The card goes from the keypad to Twilio's connector; only the result comes to `action`.
        const pay = response.pay({
          input: 'dtmf',
          action: action.action,
          statusCallback: action.statusCallback,
          statusCallbackMethod: 'POST',
          paymentConnector: action.connector,
          chargeAmount: action.chargeAmount,
          currency: action.currency,
          paymentMethod: action.paymentMethod,
          postalCode: String(action.postalCode),
          securityCode: action.securityCode,
          maxAttempts: action.maxAttempts,
          timeout: action.timeoutSeconds,
          description: action.description,
          ...(action.language ? { language: action.language } : {}),
        });
        for (const prompt of action.prompts) {
          speak(pay.prompt({ for: prompt.for, ...(prompt.errorType ? { errorType: [...prompt.errorType] } : {}) }), prompt.segments);
        }
        break;
      }
      case 'redirect':
        response.redirect({ method: 'POST' }, action.url);
        break;
      case 'dial': {
        const dial = response.dial(action.timeoutSeconds ? { timeout: action.timeoutSeconds } : {});
        if (action.target.startsWith('sip:')) dial.sip(action.target);
        else if (action.target.startsWith('client:')) dial.client(action.target.slice('client:'.length));
        else dial.number(action.target);
        break;
      }
      case 'hangup':
        response.hangup();
        break;
    }
  }
  return response.toString();
}
