/**
 * Golden TwiML, one table per demo module (infra/seed/demo.json), in the style of Twilio's
 * function templates: what the caller presses at each step, then the exact `<Response>`
 * document the real voice handler answers. These sit beside the behaviour tests: a change to
 * any prompt, URL, attribute or verb order shows here as a diff of the whole document.
 * Layout inside the twiml`…` literals is for reading only (see test/support/golden-twiml.ts).
 */
import { pay, playCall, REDIRECT, twiml, type GoldenRow } from '../support/golden-twiml';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack';

let stack: InProcessStack;
let calls = 0;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { LOG_LEVEL: 'ERROR' } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** Plays the presses through a fresh call and compares every answer with its row. */
async function expectCall(call: { code: string; from: string }, table: readonly (readonly [string | null, string])[]): Promise<void> {
  calls += 1;
  const played = await playCall(
    stack,
    { ...call, callSid: `CAgolden${String(calls).padStart(26, '0')}` },
    table.map(([press]) => press),
  );
  const expected: GoldenRow[] = table.map(([press, response]) => ({ press, response }));
  expect(played).toEqual(expected);
}

describe('golden TwiML: balance-en', () => {
  it('a caller who owes hears the balance and is dialled to the next destination', async () => {
    await expectCall({ code: 'balance-en', from: '+15005550001' }, [
      [
        null,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Your account balance is one million two hundred fifty thousand rials due for payment.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
  it('a caller with no debt is told so and goes to the error destination', async () => {
    await expectCall({ code: 'balance-en', from: '+15005550002' }, [
      [
        null,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. You have no outstanding balance.</Say>
          <Dial>
            <Sip>sip:support@pbx.example.com</Sip>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: balance-fa', () => {
  it('a Persian caller hears the balance in rials as one joined recording and is handed on', async () => {
    await expectCall({ code: 'balance-fa', from: '+989121111111' }, [
      [
        null,
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
          <Play>https://ivr.example.test/audio/joined/0138b00e6d191aac85ccc0c03e8093aa8e07d3e331bf12dd4656ee6095578f5d.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%DB%8C%DA%A9%20%D9%85%DB%8C%D9%84%DB%8C%D9%88%D9%86%20%D9%88%20%D8%AF%D9%88%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%D8%A7%D9%87%20%D9%87%D8%B2%D8%A7%D8%B1%20%D8%B1%DB%8C%D8%A7%D9%84%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: balance-fa-mobile', () => {
  it('a wrong mobile is asked again; the right one hears the balance in toman and confirms with 1', async () => {
    await expectCall({ code: 'balance-fa-mobile', from: '+989121111111' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-fa-mobile/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterMobile.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile/mobile?t=1</Redirect>
        </Response>`,
      ],
      [
        '0912',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-fa-mobile/mobile?t=2" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-invalidMobile.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterMobile.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile/mobile?t=2</Redirect>
        </Response>`,
      ],
      [
        '09121111111',
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/joined/d08b065c4fd246f9d58970308a227b483dce25f54793b154192f3a951a75e8cc.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%D8%B5%D8%AF%20%D9%88%20%D8%A8%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%20%D9%87%D8%B2%D8%A7%D8%B1%20%D8%AA%D9%88%D9%85%D8%A7%D9%86%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-fa-mobile/confirm?t=3" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true" numDigits="1">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-confirmContinue.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile/confirm?t=3</Redirect>
        </Response>`,
      ],
      [
        '1',
        twiml`
        <Response>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: balance-anon', () => {
  it('an anonymous caller is identified by the mobile they type', async () => {
    await expectCall({ code: 'balance-anon', from: '+15009999999' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-anon/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Please enter your mobile number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-anon/mobile?t=1</Redirect>
        </Response>`,
      ],
      [
        '09124444444',
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Your account balance is three million five hundred thousand tomans due for payment.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: pay-en', () => {
  it('after the balance, the payment link goes to the typed mobile', async () => {
    await expectCall({ code: 'pay-en', from: '+15005550001' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-en/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Please enter your mobile number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-en/mobile?t=1</Redirect>
        </Response>`,
      ],
      [
        '09125550001',
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Your account balance is one million two hundred fifty thousand rials due for payment. A payment link has been sent to your mobile by text message.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: pay-fa', () => {
  it('an unknown invoice number is asked again; invoice 1002 gets its own link', async () => {
    await expectCall({ code: 'pay-fa', from: '+989121111111' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-fa/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterMobile.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-fa/mobile?t=1</Redirect>
        </Response>`,
      ],
      [
        '09121111111',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-fa/item?t=2" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/joined/d08b065c4fd246f9d58970308a227b483dce25f54793b154192f3a951a75e8cc.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%D8%B5%D8%AF%20%D9%88%20%D8%A8%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%20%D9%87%D8%B2%D8%A7%D8%B1%20%D8%AA%D9%88%D9%85%D8%A7%D9%86%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterItemNumber.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-fa/item?t=2</Redirect>
        </Response>`,
      ],
      [
        '9999',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-fa/item?t=3" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-itemNotFound.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterItemNumber.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-fa/item?t=3</Redirect>
        </Response>`,
      ],
      [
        '1002',
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-linkSent.wav</Play>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: club-fa', () => {
  it('the caller number identifies the customer, who is handed to balance-fa without a second lookup', async () => {
    await expectCall({ code: 'club-fa', from: '+989121111111' }, [
      [
        null,
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-clubIntro.wav</Play>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-clubWelcome.wav</Play>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa</Redirect>
        </Response>`,
      ],
      [
        REDIRECT,
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
          <Play>https://ivr.example.test/audio/joined/0138b00e6d191aac85ccc0c03e8093aa8e07d3e331bf12dd4656ee6095578f5d.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%DB%8C%DA%A9%20%D9%85%DB%8C%D9%84%DB%8C%D9%88%D9%86%20%D9%88%20%D8%AF%D9%88%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%D8%A7%D9%87%20%D9%87%D8%B2%D8%A7%D8%B1%20%D8%B1%DB%8C%D8%A7%D9%84%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: club-en', () => {
  it('a customer number identifies the caller, then balance-en announces', async () => {
    await expectCall({ code: 'club-en', from: '+15009999999' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-en/customer-number?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Welcome to the customer club. Please enter your customer number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-en/customer-number?t=1</Redirect>
        </Response>`,
      ],
      [
        '2001',
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Thank you. Your account has been found.</Say>
          <Redirect method="POST">https://ivr.example.test/voice/balance-en</Redirect>
        </Response>`,
      ],
      [
        REDIRECT,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Your account balance is one million two hundred fifty thousand rials due for payment.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: club-en-password', () => {
  it('a wrong password starts again from the customer number; the right one hands on', async () => {
    await expectCall({ code: 'club-en-password', from: '+15009999999' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-en-password/customer-number?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Welcome to the customer club. Please enter your customer number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-en-password/customer-number?t=1</Redirect>
        </Response>`,
      ],
      [
        '2001',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-en-password/password?t=2" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Please enter your telephone password, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-en-password/password?t=2</Redirect>
        </Response>`,
      ],
      [
        '1111',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-en-password/customer-number?t=3" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">The customer number or password you entered is not correct. Please enter your customer number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-en-password/customer-number?t=3</Redirect>
        </Response>`,
      ],
      [
        '2001',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-en-password/password?t=4" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Please enter your telephone password, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-en-password/password?t=4</Redirect>
        </Response>`,
      ],
      [
        '2468',
        twiml`
        <Response>
          <Redirect method="POST">https://ivr.example.test/voice/balance-en</Redirect>
        </Response>`,
      ],
      [
        REDIRECT,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Your account balance is one million two hundred fifty thousand rials due for payment.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: club-fa-password', () => {
  it('customer number and password, then balance-fa-mobile asks for the mobile and a confirmation', async () => {
    await expectCall({ code: 'club-fa-password', from: '+989121111111' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-fa-password/customer-number?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-clubIntro.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-clubEnterCustomerNumber.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-fa-password/customer-number?t=1</Redirect>
        </Response>`,
      ],
      [
        '1001',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/club-fa-password/password?t=2" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-clubEnterPassword.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/club-fa-password/password?t=2</Redirect>
        </Response>`,
      ],
      [
        '4321',
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-clubWelcome.wav</Play>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile</Redirect>
        </Response>`,
      ],
      [
        REDIRECT,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-fa-mobile/mobile?t=4" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterMobile.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile/mobile?t=4</Redirect>
        </Response>`,
      ],
      [
        '09121111111',
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/joined/d08b065c4fd246f9d58970308a227b483dce25f54793b154192f3a951a75e8cc.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%D8%B5%D8%AF%20%D9%88%20%D8%A8%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%20%D9%87%D8%B2%D8%A7%D8%B1%20%D8%AA%D9%88%D9%85%D8%A7%D9%86%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
          <Gather input="dtmf" action="https://ivr.example.test/voice/balance-fa-mobile/confirm?t=5" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true" numDigits="1">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-confirmContinue.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/balance-fa-mobile/confirm?t=5</Redirect>
        </Response>`,
      ],
      [
        '1',
        twiml`
        <Response>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: balance-usd', () => {
  it('a caller who owes $12.50 hears dollars and cents and is dialled to the next destination', async () => {
    await expectCall({ code: 'balance-usd', from: '+15005550005' }, [
      [
        null,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Your account balance is twelve dollars and fifty cents due for payment.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
  it('a customer whose debt is in rials owes nothing in dollars: no debt, error destination', async () => {
    await expectCall({ code: 'balance-usd', from: '+15005550001' }, [
      [
        null,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. You have no outstanding balance.</Say>
          <Dial>
            <Sip>sip:support@pbx.example.com</Sip>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: pay-usd', () => {
  it('after the balance in dollars, the payment link goes to the typed mobile', async () => {
    await expectCall({ code: 'pay-usd', from: '+15005550005' }, [
      [
        null,
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-usd/mobile?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Please enter your mobile number, then press the pound key.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-usd/mobile?t=1</Redirect>
        </Response>`,
      ],
      [
        '09125550005',
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Your account balance is twelve dollars and fifty cents due for payment. A payment link has been sent to your mobile by text message.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: pay-card-en', () => {
  it('a caller who owes dollars declines once, pays by card on the second <Pay>, hears the amount paid and is handed on', async () => {
    await expectCall({ code: 'pay-card-en', from: '+15005550007' }, [
      [
        null,
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Welcome to the account balance service. Your account balance is forty-eight dollars and twenty cents due for payment.</Say>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-card-en/pay-offer?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true" numDigits="1">
            <Say voice="Polly.Joanna" language="en-US">To pay now by card, press 2.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-card-en/pay-offer?t=1</Redirect>
        </Response>`,
      ],
      [
        '2',
        twiml`
        <Response>
          <Pay input="dtmf" action="https://ivr.example.test/voice/pay-card-en/pay?t=2" statusCallback="https://ivr.example.test/voice/pay-card-en/pay-status" statusCallbackMethod="POST" paymentConnector="Stripe_Test" chargeAmount="48.20" currency="usd" paymentMethod="credit-card" postalCode="true" securityCode="true" maxAttempts="2" timeout="6" description="account balance" language="en-US">
            <Prompt for="payment-card-number">
              <Say voice="Polly.Joanna" language="en-US">Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-card-number" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-card-number" errorType="invalid-card-number invalid-card-type">
              <Say voice="Polly.Joanna" language="en-US">That card number is not valid, or that card is not accepted. Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="expiration-date">
              <Say voice="Polly.Joanna" language="en-US">Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="expiration-date" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="expiration-date" errorType="invalid-date">
              <Say voice="Polly.Joanna" language="en-US">That expiry date is not valid. Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="security-code">
              <Say voice="Polly.Joanna" language="en-US">Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="security-code" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="security-code" errorType="invalid-security-code">
              <Say voice="Polly.Joanna" language="en-US">That security code is not valid. Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="postal-code">
              <Say voice="Polly.Joanna" language="en-US">Please enter the billing postal code, then press the pound key.</Say>
            </Prompt>
            <Prompt for="postal-code" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the billing postal code, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-processing">
              <Say voice="Polly.Joanna" language="en-US">Please wait while we process your payment.</Say>
            </Prompt>
          </Pay>
        </Response>`,
      ],
      [
        pay('decline'),
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Sorry, your card was not charged.</Say>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-card-en/pay-offer?t=3" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true" numDigits="1">
            <Say voice="Polly.Joanna" language="en-US">To pay now by card, press 2.</Say>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-card-en/pay-offer?t=3</Redirect>
        </Response>`,
      ],
      [
        '2',
        twiml`
        <Response>
          <Pay input="dtmf" action="https://ivr.example.test/voice/pay-card-en/pay?t=4" statusCallback="https://ivr.example.test/voice/pay-card-en/pay-status" statusCallbackMethod="POST" paymentConnector="Stripe_Test" chargeAmount="48.20" currency="usd" paymentMethod="credit-card" postalCode="true" securityCode="true" maxAttempts="2" timeout="6" description="account balance" language="en-US">
            <Prompt for="payment-card-number">
              <Say voice="Polly.Joanna" language="en-US">Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-card-number" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-card-number" errorType="invalid-card-number invalid-card-type">
              <Say voice="Polly.Joanna" language="en-US">That card number is not valid, or that card is not accepted. Please enter your card number, then press the pound key.</Say>
            </Prompt>
            <Prompt for="expiration-date">
              <Say voice="Polly.Joanna" language="en-US">Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="expiration-date" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="expiration-date" errorType="invalid-date">
              <Say voice="Polly.Joanna" language="en-US">That expiry date is not valid. Please enter the expiry date: two digits for the month, then two for the year.</Say>
            </Prompt>
            <Prompt for="security-code">
              <Say voice="Polly.Joanna" language="en-US">Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="security-code" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="security-code" errorType="invalid-security-code">
              <Say voice="Polly.Joanna" language="en-US">That security code is not valid. Please enter the security code on the back of your card, then press the pound key.</Say>
            </Prompt>
            <Prompt for="postal-code">
              <Say voice="Polly.Joanna" language="en-US">Please enter the billing postal code, then press the pound key.</Say>
            </Prompt>
            <Prompt for="postal-code" errorType="timeout">
              <Say voice="Polly.Joanna" language="en-US">We did not receive any keys. Please enter the billing postal code, then press the pound key.</Say>
            </Prompt>
            <Prompt for="payment-processing">
              <Say voice="Polly.Joanna" language="en-US">Please wait while we process your payment.</Say>
            </Prompt>
          </Pay>
        </Response>`,
      ],
      [
        pay('success'),
        twiml`
        <Response>
          <Say voice="Polly.Joanna" language="en-US">Your payment of forty-eight dollars and twenty cents was received. Thank you.</Say>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});

describe('golden TwiML: pay-card-fa', () => {
  it('a Persian caller pays invoice 5301 by card in Canadian dollars: every <Pay> prompt is a Persian recording', async () => {
    await expectCall({ code: 'pay-card-fa', from: '+14165550003' }, [
      [
        null,
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/clips/fa/prompt-intro.wav</Play>
          <Play>https://ivr.example.test/audio/joined/606808a2b545360da2d376965bb57fb9d8cde1736eff46099bbeed6eb2410462.wav?t=%D9%85%D8%A7%D9%86%D8%AF%D9%87%20%D8%AD%D8%B3%D8%A7%D8%A8%20%D8%B4%D9%85%D8%A7%20%D8%B5%D8%AF%20%D9%88%20%D8%A8%DB%8C%D8%B3%D8%AA%20%D9%88%20%D9%BE%D9%86%D8%AC%20%D8%AF%D9%84%D8%A7%D8%B1%20%DA%A9%D8%A7%D9%86%D8%A7%D8%AF%D8%A7%20%D9%88%20%DA%86%D9%87%D9%84%20%D8%B3%D9%86%D8%AA%20%D8%A8%D8%AF%D9%87%DA%A9%D8%A7%D8%B1%20%D8%A7%D8%B3%D8%AA.</Play>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-card-fa/pay-offer?t=1" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true" numDigits="1">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-payOffer.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-card-fa/pay-offer?t=1</Redirect>
        </Response>`,
      ],
      [
        '2',
        twiml`
        <Response>
          <Gather input="dtmf" action="https://ivr.example.test/voice/pay-card-fa/item?t=2" method="POST" timeout="6" finishOnKey="#" actionOnEmptyResult="true">
            <Play>https://ivr.example.test/audio/clips/fa/prompt-enterItemNumber.wav</Play>
          </Gather>
          <Redirect method="POST">https://ivr.example.test/voice/pay-card-fa/item?t=2</Redirect>
        </Response>`,
      ],
      [
        '5301',
        twiml`
        <Response>
          <Pay input="dtmf" action="https://ivr.example.test/voice/pay-card-fa/pay?t=3" statusCallback="https://ivr.example.test/voice/pay-card-fa/pay-status" statusCallbackMethod="POST" paymentConnector="Stripe_Test" chargeAmount="85.40" currency="cad" paymentMethod="credit-card" postalCode="false" securityCode="true" maxAttempts="2" timeout="6" description="invoice INV-5301">
            <Prompt for="payment-card-number">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterCardNumber.wav</Play>
            </Prompt>
            <Prompt for="payment-card-number" errorType="timeout">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payNoInput.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterCardNumber.wav</Play>
            </Prompt>
            <Prompt for="payment-card-number" errorType="invalid-card-number invalid-card-type">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payInvalidCard.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterCardNumber.wav</Play>
            </Prompt>
            <Prompt for="expiration-date">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterExpiry.wav</Play>
            </Prompt>
            <Prompt for="expiration-date" errorType="timeout">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payNoInput.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterExpiry.wav</Play>
            </Prompt>
            <Prompt for="expiration-date" errorType="invalid-date">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payInvalidExpiry.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterExpiry.wav</Play>
            </Prompt>
            <Prompt for="security-code">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterSecurityCode.wav</Play>
            </Prompt>
            <Prompt for="security-code" errorType="timeout">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payNoInput.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterSecurityCode.wav</Play>
            </Prompt>
            <Prompt for="security-code" errorType="invalid-security-code">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payInvalidSecurityCode.wav</Play>
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payEnterSecurityCode.wav</Play>
            </Prompt>
            <Prompt for="payment-processing">
              <Play>https://ivr.example.test/audio/clips/fa/prompt-payProcessing.wav</Play>
            </Prompt>
          </Pay>
        </Response>`,
      ],
      [
        pay('success'),
        twiml`
        <Response>
          <Play>https://ivr.example.test/audio/joined/a1dec77e0b9cf9accd05c5e57108d56b5a0b45fc55e0866b1068a8b9dfa97d4b.wav?t=%D9%BE%D8%B1%D8%AF%D8%A7%D8%AE%D8%AA%20%D8%B4%D9%85%D8%A7%20%D8%A8%D9%87%20%D9%85%D8%A8%D9%84%D8%BA%20%D9%87%D8%B4%D8%AA%D8%A7%D8%AF%20%D9%88%20%D9%BE%D9%86%D8%AC%20%D8%AF%D9%84%D8%A7%D8%B1%20%DA%A9%D8%A7%D9%86%D8%A7%D8%AF%D8%A7%20%D9%88%20%DA%86%D9%87%D9%84%20%D8%B3%D9%86%D8%AA%20%D8%A8%D8%A7%20%D9%85%D9%88%D9%81%D9%82%DB%8C%D8%AA%20%D8%A7%D9%86%D8%AC%D8%A7%D9%85%20%D8%B4%D8%AF.%20%D8%B3%D9%BE%D8%A7%D8%B3%DA%AF%D8%B2%D8%A7%D8%B1%DB%8C%D9%85.</Play>
          <Dial>
            <Number>+982191000000</Number>
          </Dial>
        </Response>`,
      ],
    ]);
  });
});
