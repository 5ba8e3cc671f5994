import type { TranscriptEvent } from '../../../tools/simulator/transcript';
import { parseTwiml } from '../../../tools/simulator/twiml-parser';
import { executeVerbs, type DocumentOutcome } from '../../../tools/simulator/verb-executor';

const BASE = 'http://127.0.0.1:3000';
const DOCUMENT_URL = `${BASE}/voice/main/step`;

/** Runs one TwiML document as if `DOCUMENT_URL` had answered it, the caller pressing `answers` in turn. */
async function run(
  inner: string,
  answers: (string | null)[] = [],
  documentUrl = DOCUMENT_URL,
): Promise<{ outcome: DocumentOutcome; events: TranscriptEvent[]; asked: string[] }> {
  const events: TranscriptEvent[] = [];
  const asked: string[] = [];
  const outcome = await executeVerbs(parseTwiml(`<Response>${inner}</Response>`), documentUrl, {
    baseUrl: BASE,
    emit: (e) => events.push(e),
    answerGather: async (gather) => {
      asked.push(gather.action);
      return answers.shift() ?? null;
    },
    transcribePlay: async (url) => `text of ${url}`,
  });
  return { outcome, events, asked };
}

describe('executeVerbs: redirects', () => {
  it('follows a relative redirect against the URL that answered the document', async () => {
    const { outcome, events } = await run('<Redirect>next</Redirect>');
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/main/next`, method: 'POST' } });
    expect(events).toEqual([{ type: 'redirect', url: `${BASE}/voice/main/next`, external: false }]);
  });

  it('follows a root-relative redirect and keeps its method', async () => {
    const { outcome } = await run('<Redirect method="get">/voice/other?x=1</Redirect>');
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/other?x=1`, method: 'GET' } });
  });

  it('follows an absolute redirect into the same stack', async () => {
    const { outcome } = await run(`<Redirect>${BASE}/voice/other</Redirect>`);
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/other`, method: 'POST' } });
  });

  it('re-requests the document for a redirect without a URL', async () => {
    const { outcome } = await run('<Redirect/>');
    expect(outcome).toEqual({ next: { url: DOCUMENT_URL, method: 'POST' } });
  });

  it('hands the call on at an absolute redirect outside the stack, without following it', async () => {
    const { outcome, events } = await run('<Redirect>https://ivr.example.com/answer</Redirect><Say>never</Say>');
    expect(outcome).toEqual({ handedOn: { kind: 'redirect', target: 'https://ivr.example.com/answer' } });
    expect(events).toEqual([{ type: 'redirect', url: 'https://ivr.example.com/answer', external: true }]);
  });

  it('counts another port on the same host as outside the stack', async () => {
    const { outcome } = await run('<Redirect>http://127.0.0.1:3001/voice/other</Redirect>');
    expect(outcome).toEqual({ handedOn: { kind: 'redirect', target: 'http://127.0.0.1:3001/voice/other' } });
  });
});

describe('executeVerbs: gathers', () => {
  it('plays the prompts, then sends the digits to the relative action with its method', async () => {
    const { outcome, events, asked } = await run(
      '<Gather action="account" method="GET" numDigits="11" timeout="5"><Say>Enter your number</Say><Play>/audio/clips/fa/num-1.wav</Play></Gather><Say>not reached</Say>',
      ['09121234567'],
    );
    expect(asked).toEqual([`${BASE}/voice/main/account`]);
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/main/account`, method: 'GET', digits: '09121234567' } });
    expect(events).toEqual([
      { type: 'say', text: 'Enter your number', inGather: true },
      {
        type: 'play',
        url: `${BASE}/audio/clips/fa/num-1.wav`,
        transcript: `text of ${BASE}/audio/clips/fa/num-1.wav`,
        inGather: true,
      },
      { type: 'gather', action: `${BASE}/voice/main/account`, numDigits: 11, timeout: 5, answered: '09121234567' },
    ]);
  });

  it('sends the digits to the document URL when the gather has no action', async () => {
    const { outcome } = await run('<Gather numDigits="1"/>', ['1']);
    expect(outcome).toEqual({ next: { url: DOCUMENT_URL, method: 'POST', digits: '1' } });
  });

  it('sends the digits to an absolute action', async () => {
    const { outcome } = await run(`<Gather action="${BASE}/voice/other/choice"/>`, ['2']);
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/other/choice`, method: 'POST', digits: '2' } });
  });

  it('on silence goes on with the verb after the gather when actionOnEmptyResult is not set', async () => {
    const { outcome, events } = await run('<Gather action="choice"><Say>Press 1</Say></Gather><Say>No choice made</Say><Hangup/>', [null]);
    expect(events.map((e) => e.type)).toEqual(['say', 'gather', 'say', 'hangup']);
    expect(events[1]).toEqual({ type: 'gather', action: `${BASE}/voice/main/choice`, answered: null });
    expect(outcome).toEqual({ handedOn: { kind: 'hangup' } });
  });

  it('on silence sends an empty Digits to the action when actionOnEmptyResult="true"', async () => {
    const { outcome, events } = await run('<Gather action="choice" actionOnEmptyResult="true"/><Say>not reached</Say>', [null]);
    expect(outcome).toEqual({ next: { url: `${BASE}/voice/main/choice`, method: 'POST', digits: '' } });
    expect(events.map((e) => e.type)).toEqual(['gather']);
  });
});

describe('executeVerbs: the end of the call', () => {
  it('ends at <Hangup>, running nothing after it', async () => {
    const { outcome, events } = await run('<Say>Goodbye</Say><Hangup/><Say>never</Say><Redirect>/voice/other</Redirect>');
    expect(outcome).toEqual({ handedOn: { kind: 'hangup' } });
    expect(events).toEqual([{ type: 'say', text: 'Goodbye' }, { type: 'hangup' }]);
  });

  it('ends at <Reject> as a hang-up', async () => {
    const { outcome } = await run('<Reject reason="busy"/><Say>never</Say>');
    expect(outcome).toEqual({ handedOn: { kind: 'hangup' } });
  });

  it('ends at <Dial>, handing the call on to every target', async () => {
    const { outcome, events } = await run('<Dial><Number>+98215555</Number><Sip>sip:desk@pbx.example</Sip></Dial><Say>never</Say>');
    expect(outcome).toEqual({ handedOn: { kind: 'dial', target: '+98215555, sip:desk@pbx.example' } });
    expect(events).toEqual([
      { type: 'dial', target: '+98215555', kind: 'number' },
      { type: 'dial', target: 'sip:desk@pbx.example', kind: 'sip' },
    ]);
  });

  it('ends when the document runs out of verbs (Twilio hangs up)', async () => {
    const { outcome, events } = await run(
      '<Say voice="Polly.Joanna" language="en-US">Hello</Say><Pause length="2"/><Play>https://cdn.example.com/a.mp3?t=Hi</Play>',
    );
    expect(outcome).toEqual({ handedOn: { kind: 'ended' } });
    expect(events).toEqual([
      { type: 'say', text: 'Hello', voice: 'Polly.Joanna', language: 'en-US' },
      { type: 'pause', seconds: 2 },
      { type: 'play', url: 'https://cdn.example.com/a.mp3?t=Hi', transcript: 'text of https://cdn.example.com/a.mp3?t=Hi' },
    ]);
  });

  it('skips verbs it does not know', async () => {
    const { outcome, events } = await run('<Record/><Say>after</Say>');
    expect(outcome).toEqual({ handedOn: { kind: 'ended' } });
    expect(events).toEqual([{ type: 'say', text: 'after' }]);
  });
});
