/**
 * Whole calls with Polly on (a local server speaking Polly's API, reached from the handlers
 * running in serverless-offline), with Azure AI Speech for Persian (a local server speaking
 * its REST API; the key from AZURE_SPEECH_KEY) and with an uploaded recording,
 * audio served by the stack.
 */
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import type { Transcript } from '../../tools/simulator/call-simulator';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { uploadPromptRecording } from '../../lib/speech/prompt-recordings';
import { DynamoModuleStore } from '../../lib/config/dynamo-module-store';
import type { LocalStack } from '../../infra/local-stack';
import { wavFile } from '../support/audio-files';
import { startFakePolly } from '../support/fake-aws-audio';
import { FAKE_AZURE_KEY, startFakeAzureSpeech } from '../support/fake-azure-speech';
import { decodeWav, speechLevel } from '../../lib/speech/telephone-audio';
import { stackCalls, startTestStack } from '../support/local-stack';

let stack: LocalStack;
let polly: Awaited<ReturnType<typeof startFakePolly>>;
let azure: Awaited<ReturnType<typeof startFakeAzureSpeech>>;

beforeAll(async () => {
  [polly, azure] = await Promise.all([startFakePolly(), startFakeAzureSpeech()]);
  stack = await startTestStack({ TTS_MODE: 'polly', POLLY_ENDPOINT: polly.endpoint, AZURE_SPEECH_ENDPOINT: azure.endpoint, AZURE_SPEECH_KEY: FAKE_AZURE_KEY });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await polly?.stop();
  await azure?.stop();
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
      expect(
        t.events
          .filter((e) => e.type === 'say')
          .map((e) => (e as { text: string }).text)
          .join(' '),
      ).toContain('You have no outstanding balance.');
      expect(t.handedOn.kind).toBe('dial');
    } finally {
      polly.failWith(undefined);
    }
  });
});

describe('a Persian call on the neural voice (Azure AI Speech)', () => {
  it('speaks each sentence as one recording in the neural voice, the amount in our words, synthesized once across calls', async () => {
    const modules = new DynamoModuleStore(stack.documentClient, stack.config.tables.config);
    const balanceFa = await modules.getModule('balance-fa');
    await modules.putModule({ ...balanceFa!, code: 'balance-fa-neural', voice: 'neural', prompts: { intro: { text: 'به خط ویژه شرکت آلفا خوش آمدید.' } } });
    const t = await call('balance-fa-neural', '09121111111');
    expect(plays(t).map((p) => p.transcript)).toEqual(['به خط ویژه شرکت آلفا خوش آمدید.', 'مانده حساب شما یک میلیون و دویست و پنجاه هزار ریال بدهکار است.']);
    // Each sentence synthesized once (the two are synthesized at once, in either order).
    expect(azure.synthesized.map((s) => s.text).sort()).toEqual(
      plays(t)
        .map((p) => p.transcript)
        .sort(),
    );
    for (const play of plays(t)) {
      expect(play.url).toMatch(/\/audio\/tts\/[0-9a-f]{64}\.wav\?t=/);
      const res = await fetch(play.url);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      const audio = new Uint8Array(await res.arrayBuffer());
      expect(inspectAudio(audio)).toMatchObject({ sampleRate: 8000, wavFormat: 7 });
      expect(Math.abs(speechLevel(decodeWav(audio)) + 20)).toBeLessThan(0.5);
    }
    const again = await call('balance-fa-neural', '09121111111');
    expect(plays(again).map((p) => p.url)).toEqual(plays(t).map((p) => p.url));
    expect(azure.synthesized).toHaveLength(2);
    expect(t.handedOn.kind).toBe('dial');
  });

  it('plays the clips saying the same words when Azure fails, and the call goes on', async () => {
    azure.failWith(503);
    try {
      const before = azure.synthesized.length;
      const t = await call('balance-fa-neural', '09122222222');
      expect(t.events.some((e) => e.type === 'say')).toBe(false);
      // The typed intro was cached by the first call; what was never synthesized comes from the clips.
      expect(plays(t)[0]?.url).toMatch(/\/audio\/tts\//);
      expect(
        plays(t)
          .slice(1)
          .every((p) => /\/audio\/(joined|clips)\//.test(p.url)),
      ).toBe(true);
      expect(plays(t).length).toBeLessThanOrEqual(3);
      expect(azure.synthesized.length).toBe(before);
      expect(t.handedOn.kind).toBeDefined();
    } finally {
      azure.failWith(undefined);
    }
  });
});

describe('a call after an operator uploaded a recording', () => {
  it('plays the recording for that prompt, shows its text, and serves it as WAV', async () => {
    const modules = new DynamoModuleStore(stack.documentClient, stack.config.tables.config);
    const { audioKey } = await uploadPromptRecording(
      { modules, audio: new LocalFolderAudioStore(stack.audioDir) },
      'balance-fa',
      'intro',
      wavFile(1.5),
      'audio/wav',
    );
    const t = await call('balance-fa', '09121111111');
    const [intro] = plays(t);
    expect(intro?.url).toContain(`/audio/uploads/${audioKey}?t=`);
    expect(intro?.transcript).toBe('به سامانه اعلام مانده حساب خوش آمدید.');
    const res = await fetch(intro!.url);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(inspectAudio(new Uint8Array(await res.arrayBuffer())).durationSeconds).toBe(1.5);
    expect(
      plays(t)
        .map((p) => p.transcript)
        .join(' '),
    ).toContain('یک میلیون و دویست و پنجاه هزار ریال');
  });
});
