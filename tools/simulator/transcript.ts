/**
 * What a simulated call records: one event per thing the caller heard or did and per
 * webhook request, then where the call went. `npm run call -- … --json` prints this shape.
 */
export type TranscriptEvent =
  | { type: 'say'; text: string; voice?: string; language?: string; inGather?: boolean; inPay?: string }
  | { type: 'play'; url: string; transcript: string; inGather?: boolean; inPay?: string }
  | { type: 'pause'; seconds: number }
  | {
      type: 'gather';
      action: string;
      numDigits?: number;
      timeout?: number;
      finishOnKey?: string;
      /** null = silence */
      answered: string | null;
    }
  | {
      type: 'pay';
      action: string;
      connector?: string;
      chargeAmount?: string;
      currency?: string;
      paymentMethod?: string;
      postalCode: boolean;
      securityCode: boolean;
      /** What the simulated caller did, and the Result posted to the action. */
      answered: string;
      result: string;
      /** HTTP status of each <Pay> status callback posted on the way (0 = no answer). */
      statusCallbacks: number[];
    }
  | { type: 'request'; url: string; status: number; ms: number }
  | { type: 'redirect'; url: string; external: boolean }
  | { type: 'dial'; target: string; kind: 'number' | 'sip' | 'client' }
  | { type: 'hangup' }
  | { type: 'http-error'; url: string; status: number; body: string };

export interface HandedOn {
  kind: 'module' | 'dial' | 'redirect' | 'hangup' | 'ended' | 'error';
  target?: string;
}

export interface Transcript {
  code: string;
  callSid: string;
  from: string;
  to: string;
  events: TranscriptEvent[];
  handedOn: HandedOn;
  sms: { to: string; body: string; segments?: number }[];
  /** Number of voice webhook requests made (status callback / manifest / outbox not counted). */
  requests: number;
  statusCallback?: { status: number };
  /** Module codes whose `/voice/<code>` URL answered 200, in order (repeats kept). */
  modulesVisited: string[];
}

/** True when the call completed without an http-error event. */
export function callSucceeded(t: Transcript): boolean {
  return !t.events.some((e) => e.type === 'http-error');
}
