/**
 * The Twilio auth token can come from a named secret (SSM when deployed, SECRET_<NAME>
 * locally: never a CRM_SECRET_ variable, which only lookup sources' passwords use) instead of
 * the function's environment; signatures are checked with it.
 */
import { placeCall } from '../../tools/simulator/call-simulator';
import { said } from '../support/call-transcripts';
import { IN_PROCESS_AUTH_TOKEN, startInProcessStack, type InProcessStack } from '../support/in-process-stack';

let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack({ env: { TWILIO_AUTH_TOKEN: '', TWILIO_AUTH_TOKEN_SECRET: 'twilio-auth-token', SECRET_TWILIO_AUTH_TOKEN: IN_PROCESS_AUTH_TOKEN } });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const call = (authToken: string) => placeCall({ baseUrl: stack.baseUrl, code: 'balance-en', from: '+15005550001', authToken, fetchImpl: stack.fetch });

describe('auth token from a secret', () => {
  it('accepts requests signed with the token the secret holds and plays the call', async () => {
    const t = await call(IN_PROCESS_AUTH_TOKEN);
    expect(said(t)).toContain('one million two hundred fifty thousand rials');
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
  });

  it('refuses requests signed with any other token with 403', async () => {
    const t = await call('some-other-token');
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'http-error', status: 403 }));
  });
});
