/**
 * Whole calls through the real handlers with English speech from Polly cached in S3
 * (TTS_MODE=polly) and SMS through Twilio's Messages API, against local servers speaking
 * those protocols: when Polly or S3 fail or hang the caller hears the same words by <Say>;
 * when Twilio refuses the SMS (5xx, 429) the caller hears that the link was not sent, the
 * call log says why, the call goes on, and a repeated delivery sends no second SMS.
 */
import { placeCall, type Transcript } from '../../tools/simulator/call-simulator';
import type { GatherVerb } from '../../tools/simulator/twiml-parser';
import { captureOutput } from '../support/capture-output';
import { startFakePolly, startFakeS3 } from '../support/fake-aws-audio';
import { startFakeTwilioMessages, type FakeTwilioMessages } from '../support/fake-twilio-messages';
import { heard } from '../support/in-process-calls';
import { startInProcessStack, storedCallLog, type InProcessStack } from '../support/in-process-stack';
import { everyAnswerValid, recordingFetch } from '../support/recording-fetch';

const BUCKET = 'audio-faults';
const NEXT = { kind: 'dial', target: '+982191000000' };

let stack: InProcessStack;
let polly: Awaited<ReturnType<typeof startFakePolly>>;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let twilio: FakeTwilioMessages;

beforeAll(async () => {
  [polly, s3, twilio] = await Promise.all([startFakePolly(), startFakeS3(BUCKET), startFakeTwilioMessages()]);
  stack = await startInProcessStack({
    env: {
      LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'false',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TTS_MODE: 'polly',
      POLLY_ENDPOINT: polly.endpoint,
      AUDIO_BUCKET: BUCKET,
      S3_ENDPOINT: s3.endpoint,
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'ACfaults0000000000000000000000000',
      TWILIO_SMS_FROM: '+15550009999',
      TWILIO_API_BASE_URL: twilio.url,
    },
  });
}, 60_000);

afterEach(() => {
  polly.failWith(undefined);
  polly.delayMs = 0;
  s3.failWith(undefined);
  s3.delayMs = 0;
  twilio.failWith(undefined);
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([polly?.stop(), s3?.stop(), twilio?.stop()]);
});

async function call(code: string, from: string, digits?: string[]) {
  const recorder = recordingFetch(stack.fetch);
  const { result: transcript, lines } = await captureOutput(() =>
    placeCall({ baseUrl: stack.baseUrl, code, from, authToken: stack.authToken, fetchImpl: recorder.fetchImpl, ...(digits ? { digits } : {}) }),
  );
  const metrics = lines.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { transcript, answers: recorder.answers, metrics };
}

const kinds = (t: Transcript) => [...new Set(t.events.flatMap((e) => (e.type === 'say' || e.type === 'play' ? [e.type] : [])))];

const callLog = (callSid: string) => storedCallLog(stack, callSid);

// Order matters: a warm container remembers the audio it has stored and asks S3 no more,
// so the failures run before the first healthy call fills the cache.
describe('English speech when Polly or S3 fail', () => {
  let fallbackWords: string;

  it('speaks every prompt and the amount by <Say> when S3 answers 500, without asking Polly', async () => {
    s3.failWith(500);
    const { transcript, answers } = await call('balance-en', '+15005550001');
    everyAnswerValid(answers);
    expect(kinds(transcript)).toEqual(['say']);
    fallbackWords = heard(transcript);
    expect(fallbackWords).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
    expect(transcript.handedOn).toEqual(NEXT);
    expect(polly.requests).toHaveLength(0);
  });

  it('falls back to the same words when S3 hangs beyond its timeout', async () => {
    s3.delayMs = 2500;
    const { transcript, answers } = await call('balance-en', '+15005550001');
    everyAnswerValid(answers);
    expect(kinds(transcript)).toEqual(['say']);
    expect(heard(transcript)).toBe(fallbackWords);
    expect(transcript.handedOn).toEqual(NEXT);
  });

  it('falls back to the same words when Polly answers 500, and stores nothing', async () => {
    polly.failWith(500);
    const { transcript, answers } = await call('balance-en', '+15005550001');
    everyAnswerValid(answers);
    expect(kinds(transcript)).toEqual(['say']);
    expect(heard(transcript)).toBe(fallbackWords);
    expect(polly.requests.length).toBeGreaterThan(0);
    expect(s3.objects.size).toBe(0);
  });

  it('falls back to the same words when Polly hangs beyond its timeout', async () => {
    polly.delayMs = 3500;
    const { transcript, answers } = await call('balance-en', '+15005550001');
    everyAnswerValid(answers);
    expect(kinds(transcript)).toEqual(['say']);
    expect(heard(transcript)).toBe(fallbackWords);
    expect(transcript.handedOn).toEqual(NEXT);
  }, 15_000);

  it('plays the same words from the cache once Polly and S3 recover, and synthesizes no cached prompt again', async () => {
    const first = await call('balance-en', '+15005550001');
    everyAnswerValid(first.answers);
    expect(kinds(first.transcript)).toEqual(['play']);
    expect(heard(first.transcript)).toBe(fallbackWords);
    const synthesized = polly.synthesized.length;
    expect(synthesized).toBeGreaterThan(0);
    const second = await call('balance-en', '+15005550001');
    expect(heard(second.transcript)).toBe(fallbackWords);
    expect(polly.synthesized).toHaveLength(synthesized);
  });
});

describe('the payment link SMS when Twilio refuses it', () => {
  /** The mobile step's gather answer, delivered again as Twilio would on a retry. */
  async function redeliverMobileStep(answers: ReturnType<typeof recordingFetch>['answers'], callSid: string, from: string, mobile: string) {
    const gather = answers[0]?.verbs.find((v) => v.verb === 'Gather') as GatherVerb | undefined;
    expect(gather).toBeDefined();
    const url = new URL(gather?.action ?? '');
    // Captured: its metric lines are not this test's output.
    const { result } = await captureOutput(() =>
      stack.post(url.pathname, { CallSid: callSid, From: from, To: '+15550001000', Digits: mobile }, { query: url.search.slice(1) }),
    );
    return result;
  }

  it.each([
    [500, 20500, 'provider-error'],
    [429, 20429, 'rate-limited'],
  ])('on HTTP %i: the caller hears "link not sent", the call goes on, the log says why, a repeat sends nothing', async (status, code, reason) => {
    twilio.failWith({ status, code });
    const mobile = status === 500 ? '09125550011' : '09125550012';
    const before = twilio.requests.length;
    const { transcript, answers, metrics } = await call('pay-en', '+15005550001', [mobile]);
    everyAnswerValid(answers);
    expect(heard(transcript)).toContain('Sorry, we could not send the payment link.');
    expect(heard(transcript)).not.toContain('A payment link has been sent');
    expect(transcript.handedOn).toEqual(NEXT);
    expect(twilio.requests).toHaveLength(before + 1);
    expect(await callLog(transcript.callSid)).toMatchObject({ outcome: 'next', reason: `payment-link-not-sent:sms-failed:twilio:${reason}:${code}` });
    expect(metrics.filter((m) => 'SmsFailed' in m)).toEqual([expect.objectContaining({ SmsFailed: 1, channel: 'twilio', reason })]);
    expect(metrics.filter((m) => 'SmsSent' in m)).toEqual([]);

    // Twilio recovers and redelivers the mobile step: the stored answer, no second SMS.
    twilio.failWith(undefined);
    const again = await redeliverMobileStep(answers, transcript.callSid, '+15005550001', mobile);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(answers[1]?.body);
    expect(decodeURIComponent(again.body ?? '')).toContain('could not send the payment link');
    expect(twilio.requests).toHaveLength(before + 1);
  });

  it('sends exactly one SMS through Twilio when it accepts, even when the step is delivered again', async () => {
    const before = twilio.requests.length;
    const { transcript, answers, metrics } = await call('pay-en', '+15005550001', ['09125550013']);
    everyAnswerValid(answers);
    expect(heard(transcript)).toContain('A payment link has been sent to your mobile by text message.');
    expect(twilio.requests).toHaveLength(before + 1);
    expect(twilio.requests[before]?.form).toMatchObject({ From: '+15550009999', To: expect.stringMatching(/9125550013$/) });
    expect(metrics.filter((m) => 'SmsSent' in m)).toEqual([expect.objectContaining({ SmsSent: 1, channel: 'twilio' })]);
    await redeliverMobileStep(answers, transcript.callSid, '+15005550001', '09125550013');
    expect(twilio.requests).toHaveLength(before + 1);
  });
});
