/**
 * The form parameters Twilio documents for Voice webhooks, and nothing else.
 *
 * Why an allowlist: X-Twilio-Signature is an HMAC over the URL followed by every parameter
 * written name+value with no separator, so moving characters across a name/value boundary keeps
 * a valid signature. `Digits=09125550001` re-sent as `Digits0=9125550001`, or a body with every
 * `=` removed, verifies like the original. Accepting only Twilio's own names (each once) refuses
 * those reshapings. A second reshaping keeps the names: folding the next parameter into a value
 * (`Called=+1555&CalledCity=X` → `Called=+1555CalledCityX`). `foldedParameter` below refuses that
 * one too: a value carrying the name of the very next documented parameter, which is absent.
 *
 * Sources: Twilio "TwiML Voice: Twilio's request" (voice request, geographic, SIP, client and
 * STIR/SHAKEN parameters), "<Gather>" (Digits, FinishedOnKey, SpeechResult, Confidence),
 * "<Dial>" and "<Record>" action parameters, "Call resource: status callback parameters",
 * "Webhooks: fallback URL" (ErrorCode, ErrorUrl) and "<Pay>" (action and statusCallback
 * parameters; shared/reference/payments-and-voice.md).
 */

const VOICE_REQUEST = [
  'CallSid',
  'AccountSid',
  'ApplicationSid',
  'From',
  'To',
  'CallStatus',
  'ApiVersion',
  'Direction',
  'ForwardedFrom',
  'CallerName',
  'ParentCallSid',
  'CallToken',
  'Caller',
  'Called',
  'CalledVia',
  'FromCity',
  'FromState',
  'FromZip',
  'FromCountry',
  'ToCity',
  'ToState',
  'ToZip',
  'ToCountry',
  'CallerCity',
  'CallerState',
  'CallerZip',
  'CallerCountry',
  'CalledCity',
  'CalledState',
  'CalledZip',
  'CalledCountry',
  'StirVerstat',
  'StirPassportToken',
  'StirStatus',
  'AddOns',
  // SIP interface and Voice SDK clients.
  'SipCallId',
  'SipDomain',
  'SipDomainSid',
  'SipSourceIp',
  'SipSourcePort',
  'SipResponseCode',
] as const;

const GATHER_AND_VERB_RESULTS = [
  'Digits',
  'FinishedOnKey',
  'SpeechResult',
  'Confidence',
  // Sent by <Gather> with its action although the docs do not list it ("Gather End").
  'msg',
  'DialCallStatus',
  'DialCallSid',
  'DialCallDuration',
  'DialBridged',
  'DialSipResponseCode',
  'DialSipCallId',
  'RecordingUrl',
  'RecordingSid',
  'RecordingDuration',
  'RecordingStatus',
  'RecordingChannels',
  'RecordingSource',
  'QueueResult',
  'QueueSid',
  'QueueTime',
  'DequeingCallSid',
] as const;

const STATUS_CALLBACK = [
  'CallDuration',
  'Duration',
  'Timestamp',
  'CallbackSource',
  'SequenceNumber',
  'AnsweredBy',
  'MachineDetectionDuration',
  'HangupDirection',
] as const;

/** A fallback URL request carries what went wrong with the primary one. */
const FALLBACK = ['ErrorCode', 'ErrorUrl'] as const;

/** <Pay> action and statusCallback parameters (card data arrives masked). */
const PAY = [
  'Result',
  'PaymentConfirmationCode',
  'PaymentCardNumber',
  'PaymentCardType',
  'ExpirationDate',
  'SecurityCode',
  'PaymentCardPostalCode',
  'PaymentToken',
  'ProfileId',
  'PaymentMethod',
  'BankAccountNumber',
  'BankRoutingNumber',
  'BankAccountType',
  'PaymentError',
  'PayErrorCode',
  'ConnectorError',
  'PaymentSid',
  'Sid',
  'For',
  'ErrorType',
  'Attempt',
  'Capture',
  'PartialResult',
  'Required',
  'ChargeAmount',
  'Currency',
  'DateCreated',
  'DateUpdated',
] as const;

/** Every parameter name a Twilio Voice webhook may carry. */
export const TWILIO_VOICE_PARAMETERS: ReadonlySet<string> = new Set<string>([
  ...VOICE_REQUEST,
  ...GATHER_AND_VERB_RESULTS,
  ...STATUS_CALLBACK,
  ...FALLBACK,
  ...PAY,
]);

/**
 * Parameters Twilio may send more than once. None of the documented Voice parameters repeats:
 * each is one value (lists such as <Pay>'s `Required` come comma-separated in one value).
 * Kept as a set so a documented repeating one can be added in one place.
 */
export const REPEATED_BY_TWILIO: ReadonlySet<string> = new Set<string>();

/** SIP calls carry custom headers as `SipHeader_X-…` parameters. */
const SIP_HEADER = /^SipHeader_X-[A-Za-z0-9-]{1,64}$/;

const allowed = (name: string) => TWILIO_VOICE_PARAMETERS.has(name) || SIP_HEADER.test(name);

/** Why a webhook body is refused: a name Twilio does not send, a repeated one, or a folded one. */
export type ParameterRefusal = { readonly kind: 'unknown' | 'repeated' | 'folded'; readonly name: string };

/** Sorted as Twilio's signature sorts them (code-unit order of the names). */
const SORTED = [...TWILIO_VOICE_PARAMETERS].sort();

/**
 * A value that ends in `<Name><value>` where `<Name>` is the documented parameter that would
 * come right after this one in the signed string, and is not in the request: the shape left
 * when a following parameter is folded into this value. Only the next names in signing order
 * are considered, so ordinary values (a caller named "Tom", a city) are never mistaken for one.
 */
function foldedParameter(params: Readonly<Record<string, readonly string[]>>): ParameterRefusal | undefined {
  const present = Object.keys(params).sort();
  for (const [index, name] of present.entries()) {
    const following = present[index + 1];
    const candidates = SORTED.filter((other) => other > name && (following === undefined || other < following));
    for (const value of params[name] ?? []) {
      const hit = candidates.find((other) => value.includes(other));
      if (hit) return { kind: 'folded', name };
    }
  }
  return undefined;
}

/** The first reason to refuse these parameters, or undefined when Twilio could have sent them. */
export function twilioParameterRefusal(params: Readonly<Record<string, readonly string[]>>): ParameterRefusal | undefined {
  for (const [name, values] of Object.entries(params)) {
    if (!allowed(name)) return { kind: 'unknown', name };
    if (values.length > 1 && !REPEATED_BY_TWILIO.has(name)) return { kind: 'repeated', name };
  }
  return foldedParameter(params);
}
