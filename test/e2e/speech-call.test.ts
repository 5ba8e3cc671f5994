/**
 * Whole calls with Polly on (a local server speaking Polly's API, reached from the handlers
 * running in serverless-offline) and with an uploaded recording, audio served by the stack.
 */
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import type { Transcript } from '../../tools/simulator/call-simulator';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { uploadPromptRecording } from '../../lib/speech/prompt-recordings';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import type { LocalStack } from '../../infra/local-stack';
import { wavFile } from '../support/audio-files';
import { startFakePolly } from '../support/fake-aws-audio';
import { stackCalls, startTestStack } from '../support/local-stack';

let stack: LocalStack;
let polly: Awaited<ReturnType<typeof startFakePolly>>;

beforeAll(async () => {
  polly = await startFakePolly();
  stack = await startTestStack({ TTS_MODE: 'polly', POLLY_ENDPOINT: polly.endpoint });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await polly?.stop();
});

const { call } = stackCalls(() => stack);
const plays = (t: Transcript) => t.events.flatMap((e) => (e.type === 'play' ? [e] : []));

describe('an English call with Polly configured', () => {
  it('plays every prompt and the amount from synthesized audio, synthesizing each text only once across calls', async () => {
    const first = await call('balance-en', '+15005550001');
    expect(plays(first).map((p) => p.transcript)).toEqual([
      'Welcome to the account balance service.',
      'Your account balance is',
      'one million two hundred fifty thousand rials',
      'due for payment.',
    ]);
    expect(first.events.some((e) => e.type === 'say')).toBe(false);
    const synthesized = polly.synthesized.length;
    expect(synthesized).toBe(4);

    const second = await call('balance-en', '+15005550001');
    expect(plays(second).map((p) => p.url)).toEqual(plays(first).map((p) => p.url));
    expect(polly.synthesized.length).toBe(synthesized);
  });

  it('serves the cached audio as audio/mpeg with long cache headers', async () => {
    const t = await call('balance-en', '+15005550001');
    const res = await fetch(plays(t)[0]!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toContain('mp3:Joanna:Welcome to the account balance service.');
  });

  it('speaks with <Say> when Polly fails, and the call still completes', async () => {
    polly.failWith(500);
    try {
      const t = await call('balance-en', '+15005550002');
      expect(t.events.filter((e) => e.type === 'say').map((e) => (e as { text: string }).text).join(' ')).toContain('You have no outstanding balance.');
      expect(t.handedOn.kind).toBe('dial');
    } finally {
      polly.failWith(undefined);
    }
  });
});

describe('a call after an operator uploaded a recording', () => {
  it('plays the recording for that prompt, shows its text, and serves it as WAV', async () => {
    const modules = new DynamoModuleStore(stack.documentClient, stack.config.tables.config);
    const { audioKey } = await uploadPromptRecording({ modules, audio: new LocalFolderAudioStore(stack.audioDir) }, 'balance-fa', 'intro', wavFile(1.5), 'audio/wav');
    const t = await call('balance-fa', '09121111111');
    const [intro] = plays(t);
    expect(intro?.url).toContain(`/audio/uploads/${audioKey}?t=`);
    expect(intro?.transcript).toBe('به سامانه اعلام مانده حساب خوش آمدید.');
    const res = await fetch(intro!.url);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(inspectAudio(new Uint8Array(await res.arrayBuffer())).durationSeconds).toBe(1.5);
    expect(plays(t).map((p) => p.transcript).join(' ')).toContain('یک میلیون و دویست و پنجاه هزار ریال');
  });
});
