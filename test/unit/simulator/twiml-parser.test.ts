import { parseTwiml, TwimlParseError } from '../../../tools/simulator/twiml-parser';

const twiml = (inner: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe('parseTwiml', () => {
  it('keeps verb order, gather prompts, attributes and phone numbers as strings', () => {
    const verbs = parseTwiml(
      twiml(
        '<Say voice="Polly.Joanna">Hi &amp; welcome</Say>' +
          '<Gather action="/a" method="get" finishOnKey="#" numDigits="3"><Say>p1</Say><Pause length="2"/><Play>x.wav</Play></Gather>' +
          '<Dial>+98215555</Dial>' +
          '<Dial><Sip>sip:a@b.example</Sip><Client>agent</Client></Dial>' +
          '<Redirect>/next</Redirect><Hangup/>',
      ),
    );
    expect(verbs).toEqual([
      { verb: 'Say', text: 'Hi & welcome', voice: 'Polly.Joanna' },
      {
        verb: 'Gather',
        action: '/a',
        method: 'GET',
        numDigits: 3,
        finishOnKey: '#',
        actionOnEmptyResult: false,
        prompts: [
          { verb: 'Say', text: 'p1' },
          { verb: 'Pause', length: 2 },
          { verb: 'Play', url: 'x.wav' },
        ],
      },
      { verb: 'Dial', targets: [{ kind: 'number', target: '+98215555' }] },
      {
        verb: 'Dial',
        targets: [
          { kind: 'sip', target: 'sip:a@b.example' },
          { kind: 'client', target: 'agent' },
        ],
      },
      { verb: 'Redirect', url: '/next', method: 'POST' },
      { verb: 'Hangup' },
    ]);
  });

  it('reads actionOnEmptyResult, the text inside SSML, a Client identity and an unknown verb', () => {
    const verbs = parseTwiml(
      twiml(
        '<Gather actionOnEmptyResult="true" input="dtmf"/>' +
          '<Say>Your balance is <say-as interpret-as="digits">120</say-as> rial</Say>' +
          '<Dial callerId="+15550001000" timeout="20"><Client><Identity>desk</Identity></Client></Dial>' +
          '<Record/>',
      ),
    );
    expect(verbs).toEqual([
      { verb: 'Gather', method: 'POST', input: 'dtmf', actionOnEmptyResult: true, prompts: [] },
      { verb: 'Say', text: 'Your balance is 120 rial' },
      { verb: 'Dial', targets: [{ kind: 'client', target: 'desk' }], callerId: '+15550001000', timeout: 20 },
      { verb: 'Unknown', name: 'Record' },
    ]);
  });

  it('rejects documents that are not TwiML', () => {
    expect(() => parseTwiml('not xml')).toThrow(TwimlParseError);
    expect(() => parseTwiml('<Other/>')).toThrow(TwimlParseError);
    expect(() => parseTwiml('<Response><Say>unclosed</Response>')).toThrow(TwimlParseError);
  });
});
