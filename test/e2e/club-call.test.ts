/**
 * Whole calls that start at a demo customer club, go through the balance module and end
 * at its next destination: real handlers behind serverless-offline, driven by the simulator.
 */
import { heard, played, said } from '../support/call-transcripts';
import { stackCalls, useTestStack } from '../support/local-stack';

const stack = useTestStack();
const { call, callLog } = stackCalls(stack);

describe('a demo call through the customer club', () => {
  it('identifies by customer number and telephone password, announces the balance and hands on', async () => {
    const t = await call('club-en-password', '+15009999999', ['2001', '2468']);
    expect(said(t)).toContain('Please enter your customer number, then press the pound key.');
    expect(said(t)).toContain('Please enter your telephone password, then press the pound key.');
    // The demo sets this club's welcome prompt to "don't play".
    expect(said(t)).not.toContain('Thank you. Your account has been found.');
    expect(said(t)).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
    expect(t.modulesVisited).toEqual(['club-en-password', 'balance-en']);
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    expect(await callLog(t.callSid)).toMatchObject({
      outcome: 'next',
      moduleCode: 'balance-en',
      customerId: 'c-2001',
      destination: 'sales',
      lastStep: 'balance-en:entry',
    });
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const t = await call('club-en-password', '+15009999999', ['2001', '1111', '', '']);
    expect(said(t)).toContain('The customer number or password you entered is not correct.');
    expect(said(t)).toContain('Sorry, we could not verify your identity.');
    expect(said(t)).not.toContain('Your account balance is');
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
  });

  it('identifies a Persian caller by their number and plays the club prompts from clips', async () => {
    const t = await call('club-fa', '09121111111');
    expect(played(t).slice(0, 3)).toEqual(['prompt-clubIntro.wav', 'prompt-clubWelcome.wav', 'prompt-intro.wav']);
    expect(heard(t)).toContain('مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است.');
    expect(t.modulesVisited).toEqual(['club-fa', 'balance-fa']);
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
  });

  it('identifies by customer number alone', async () => {
    const t = await call('club-en', '+15009999999', ['2001']);
    expect(said(t)).toContain('Thank you. Your account has been found.');
    expect(said(t)).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
  });
});
