import { renderTwiml } from '../../lib/voice/render-twiml';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';

describe('TwiML rendering', () => {
  it('renders a gather with dtmf, #, timeout, actionOnEmptyResult and its prompts inside', () => {
    const twiml = renderTwiml([
      {
        kind: 'gather',
        action: 'https://ivr.example.com/voice/bal/mobile?t=1',
        timeoutSeconds: 6,
        finishOnKey: '#',
        segments: [
          { kind: 'say', text: 'Enter your mobile.', voice: 'Polly.Joanna', language: 'en-US' },
          { kind: 'play', url: 'https://cdn.example.com/a.wav', transcript: 'x' },
        ],
      },
      { kind: 'redirect', url: 'https://ivr.example.com/voice/bal/mobile?t=1' },
    ]);
    expect(twiml).toBe(
      `${XML}<Response><Gather input="dtmf" action="https://ivr.example.com/voice/bal/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">` +
        '<Say voice="Polly.Joanna" language="en-US">Enter your mobile.</Say><Play>https://cdn.example.com/a.wav</Play></Gather>' +
        '<Redirect method="POST">https://ivr.example.com/voice/bal/mobile?t=1</Redirect></Response>',
    );
  });

  it('dials numbers, SIP addresses and clients with the right nouns', () => {
    expect(renderTwiml([{ kind: 'dial', target: '+982191000000' }])).toBe(`${XML}<Response><Dial><Number>+982191000000</Number></Dial></Response>`);
    expect(renderTwiml([{ kind: 'dial', target: 'sip:a@b.example.com', timeoutSeconds: 20 }])).toBe(
      `${XML}<Response><Dial timeout="20"><Sip>sip:a@b.example.com</Sip></Dial></Response>`,
    );
    expect(renderTwiml([{ kind: 'dial', target: 'client:alice' }])).toBe(`${XML}<Response><Dial><Client>alice</Client></Dial></Response>`);
  });

  it('escapes text so caller data can never inject TwiML', () => {
    const twiml = renderTwiml([
      { kind: 'say', segments: [{ kind: 'say', text: '</Say><Dial>+1</Dial>', voice: 'Polly.Joanna', language: 'en-US' }] },
      { kind: 'hangup' },
    ]);
    expect(twiml).toBe(`${XML}<Response><Say voice="Polly.Joanna" language="en-US">&lt;/Say&gt;&lt;Dial&gt;+1&lt;/Dial&gt;</Say><Hangup/></Response>`);
  });
});

describe('TwiML rendering of card payment in the call', () => {
  it('renders a <Pay> with every attribute the flow set and one <Prompt> per step and error, through the builder', () => {
    const twiml = renderTwiml([
      {
        kind: 'pay',
        action: 'https://ivr.example.com/voice/bal/pay?t=2',
        statusCallback: 'https://ivr.example.com/voice/bal/pay-status',
        connector: 'Stripe_Test',
        chargeAmount: '48.20',
        currency: 'usd',
        paymentMethod: 'credit-card',
        postalCode: false,
        securityCode: true,
        maxAttempts: 2,
        timeoutSeconds: 6,
        description: 'account balance',
        prompts: [
          { for: 'payment-card-number', segments: [{ kind: 'play', url: 'https://cdn.example.com/card.wav', transcript: 'card' }] },
          {
            for: 'payment-card-number',
            errorType: ['invalid-card-number', 'invalid-card-type'],
            segments: [{ kind: 'say', text: 'Not valid.', voice: 'Polly.Joanna', language: 'en-US' }],
          },
        ],
      },
    ]);
    expect(twiml).toBe(
      `${XML}<Response><Pay input="dtmf" action="https://ivr.example.com/voice/bal/pay?t=2" statusCallback="https://ivr.example.com/voice/bal/pay-status" statusCallbackMethod="POST" ` +
        'paymentConnector="Stripe_Test" chargeAmount="48.20" currency="usd" paymentMethod="credit-card" postalCode="false" securityCode="true" maxAttempts="2" timeout="6" description="account balance">' +
        '<Prompt for="payment-card-number"><Play>https://cdn.example.com/card.wav</Play></Prompt>' +
        '<Prompt for="payment-card-number" errorType="invalid-card-number invalid-card-type"><Say voice="Polly.Joanna" language="en-US">Not valid.</Say></Prompt>' +
        '</Pay></Response>',
    );
  });
});
