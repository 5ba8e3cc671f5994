/**
 * Whole calls through the real handlers behind serverless-offline, driven by the call
 * simulator exactly as Twilio would drive them, against the demo data.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ROOT } from '../../infra/local-stack';
import { placeCall, type Transcript } from '../../tools/simulator/call-simulator';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { heard, played, said } from '../support/call-transcripts';
import { AUTH_TOKEN, stackCalls, useTestStack } from '../support/local-stack';

const stack = useTestStack();
const { call, callLog } = stackCalls(stack);

describe('a call to the English balance module', () => {
  it('announces what a known caller owes and hands them to the next destination', async () => {
    const t = await call('balance-en', '+15005550001');
    expect(said(t)).toContain('Your account balance is one million two hundred fifty thousand rials due for payment.');
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    expect(t.statusCallback?.status).toBe(200);
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'next', moduleCode: 'balance-en', owed: 1250000, customerId: 'c-2001', destination: 'sales' });
  });

  it('tells a caller with no debt so and sends them to the error destination', async () => {
    const t = await call('balance-en', '+15005550002');
    expect(said(t)).toContain('You have no outstanding balance.');
    expect(t.handedOn).toEqual({ kind: 'dial', target: 'sip:support@pbx.example.com' });
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'no-debt' });
  });

  it('sends an unknown caller to the error destination', async () => {
    const t = await call('balance-en', '+15009999999');
    expect(said(t)).toContain('We could not find an account for the number you are calling from.');
    expect(t.handedOn.kind).toBe('dial');
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'error', reason: 'not-identified' });
  });

  it('rejects a request with a bad signature with 403 and stores nothing', async () => {
    const t = await placeCall({ baseUrl: stack().baseUrl, code: 'balance-en', from: '+15005550001', authToken: 'wrong-token' });
    expect(t.events).toContainEqual(expect.objectContaining({ type: 'http-error', status: 403 }));
    const { Item } = await stack().documentClient.send(new GetCommand({ TableName: stack().config.tables.sessions, Key: { callSid: t.callSid } }));
    expect(Item).toBeUndefined();
  });

  it('apologises and hangs up for an unknown module code', async () => {
    const t = await call('no-such-module', '+15005550001');
    expect(t.handedOn.kind).toBe('hangup');
    expect(t.events.some((e) => e.type === 'http-error')).toBe(false);
  });
});

describe('a call in anonymous mode', () => {
  it('identifies the customer by the mobile number they type', async () => {
    const t = await call('balance-anon', '+15009999999', ['09124444444']);
    // 48,000,000 + 2,000,000 − 15,000,000 rials = 35,000,000 rials = 3,500,000 tomans
    expect(said(t)).toContain('three million five hundred thousand tomans');
    expect(t.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
  });

  it('re-prompts invalid digits and gives up after the maximum attempts', async () => {
    const t = await call('balance-anon', '+15009999999', ['123', '', '0912']);
    const gathers = t.events.filter((e) => e.type === 'gather');
    expect(gathers).toHaveLength(3);
    expect(said(t)).toContain('That mobile number is not valid.');
    expect(said(t)).toContain('You have reached the maximum number of attempts.');
    expect(t.handedOn).toEqual({ kind: 'hangup' });
    expect(await callLog(t.callSid)).toMatchObject({ outcome: 'error' });
  });
});

describe('a call to a Persian module', () => {
  it('plays the Persian amount from clips in grammatical order, the announcement joined into one recording, and hands on', async () => {
    const t = await call('balance-fa', '09121111111');
    expect(played(t).map((file) => file?.replace(/^[0-9a-f]{64}\.wav\?t=.*$/, '<joined>'))).toEqual(['prompt-intro.wav', '<joined>']);
    const [, sentence] = t.events.flatMap((e) => (e.type === 'play' ? [e] : []));
    expect(sentence?.url).toContain('/audio/joined/');
    expect(sentence?.transcript).toBe('مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است.');
    // The joined file's transcript travels with it, naming the clips it was made of in order.
    const sidecar = (await (await fetch(sentence!.url.split('?')[0]!.replace(/\.wav$/, '.json'))).json()) as { transcript: string; pieces: string[] };
    expect(sidecar.transcript).toBe(sentence?.transcript);
    expect(sidecar.pieces.map((p) => p.split('/').pop())).toEqual([
      'prompt-yourBalanceIs.wav',
      'num-1.wav',
      'scale-million.wav',
      'and.wav',
      'num-200.wav',
      'and.wav',
      'num-50.wav',
      'scale-thousand.wav',
      'unit-rial.wav',
      'prompt-owed.wav',
    ]);
    expect(t.handedOn.kind).toBe('dial');
  });

  it('asks for the mobile, then confirmation, and goes on only when the caller presses 1', async () => {
    const yes = await call('balance-fa-mobile', '+989121111111', ['09121111111', '1']);
    expect(yes.handedOn).toEqual({ kind: 'dial', target: '+982191000000' });
    // 1,250,000 rials = 125,000 tomans
    expect(heard(yes)).toContain('مانده حساب شما صد و بیست و پنج هزار تومان بدهکار است.');
    const silent = await call('balance-fa-mobile', '+989121111111', ['09121111111', '']);
    expect(silent.handedOn).toEqual({ kind: 'hangup' });
    expect(await callLog(silent.callSid)).toMatchObject({ outcome: 'error', reason: 'no-input' });
  });
});

describe('audio served by the local stack', () => {
  it('reads a Persian call as a Persian sentence from the clip transcripts', async () => {
    const t = await call('balance-fa', '09121111111');
    expect(heard(t)).toContain('به سامانه اعلام مانده حساب خوش آمدید. مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است.');
  });

  it('serves every clip the call played as 8 kHz WAV audio, and the manifest as JSON', async () => {
    const t = await call('balance-fa', '09121111111');
    const urls = t.events.flatMap((e) => (e.type === 'play' ? [e.url] : []));
    expect(urls.length).toBe(2);
    for (const url of urls) {
      const res = await fetch(url);
      expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({ url, status: 200, type: 'audio/wav' });
      const info = inspectAudio(new Uint8Array(await res.arrayBuffer()));
      expect({ container: info.container, sampleRate: info.sampleRate }).toEqual({ container: 'wav', sampleRate: 8000 });
    }
    const manifest = await fetch(`${stack().baseUrl}/audio/manifest.json`);
    expect(manifest.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await manifest.json()) as { clips: Record<string, string> }).clips['scale-million']).toBe('میلیون');
  });

  it('answers 404 for unknown audio and refuses paths outside the audio folders', async () => {
    expect((await fetch(`${stack().baseUrl}/audio/clips/fa/no-such-clip.wav`)).status).toBe(404);
    expect((await fetch(`${stack().baseUrl}/audio/clips/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${stack().baseUrl}/audio/..%2Fpackage.json`)).status).toBe(404);
  });
});

describe('the simulator command (npm run call)', () => {
  it('prints exactly one JSON document on stdout with --json, and a readable transcript without it', async () => {
    const { execFile } = await import('node:child_process');
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          'npm',
          ['run', 'call', '--', ...args, '--base', stack().baseUrl],
          { cwd: ROOT, env: { ...process.env, TWILIO_AUTH_TOKEN: AUTH_TOKEN }, timeout: 60_000 },
          (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
        );
      });
    const json = await run(['balance-en', '--from', '+15005550001', '--json']);
    expect(json.code).toBe(0);
    const transcript = JSON.parse(json.stdout) as Transcript;
    expect(transcript).toMatchObject({ code: 'balance-en', from: '+15005550001', handedOn: { kind: 'dial', target: '+982191000000' } });
    expect(said(transcript)).toContain('one million two hundred fifty thousand rials');
    const text = await run(['balance-fa', '--from', '09121111111']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('play: مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است. ');
    expect(text.stdout).toContain('handed on: dial +982191000000');
  }, 90_000);
});
