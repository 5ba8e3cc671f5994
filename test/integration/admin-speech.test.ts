/**
 * The admin API and Persian speech: whether Persian text needs a recording depends on a Persian
 * synthesizer being configured, the panel is told which case applies, and the previews speak
 * through the module's voice (Azure against its local fake, audio in a temporary folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AzureSpeechSynthesizer } from '../../lib/speech/azure-speech-synthesizer';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { SentenceJoiner } from '../../lib/speech/sentence-audio';
import { SynthesizedAudioCache } from '../../lib/speech/synthesized-audio-cache';
import { DEFAULT_FINISH } from '../../lib/speech/telephone-audio';
import { BASE_URL, startTestAdmin, type TestAdmin } from '../support/admin-api';
import { FAKE_AZURE_KEY, startFakeAzureSpeech, type FakeAzureSpeech } from '../support/fake-azure-speech';

const persianModule = { code: 'fa-voice', name: 'Persian voice', language: 'fa', nextDestination: 'sales', errorDestination: 'goodbye' };
let azure: FakeAzureSpeech;
let dir: string;
let withVoice: TestAdmin;
let withoutVoice: TestAdmin;

beforeAll(async () => {
  azure = await startFakeAzureSpeech();
  dir = mkdtempSync(join(tmpdir(), 'admin-speech-'));
  const store = new LocalFolderAudioStore(dir);
  const joiner = new SentenceJoiner(store, new LocalFolderAudioStore(resolve(__dirname, '../../infra/audio/clips')), DEFAULT_FINISH);
  const synthesizer = new AzureSpeechSynthesizer({ endpoint: azure.endpoint, key: async () => FAKE_AZURE_KEY, rate: '-5%', timeoutMs: 2000 });
  const persianTts = new SynthesizedAudioCache(synthesizer, store, { voice: 'fa-IR-FaridNeural', engine: 'azure-neural', format: 'wav', sampleRate: '8000' });
  const speech = new CatalogueSpeech({ audioBaseUrl: `${BASE_URL}/audio`, persianTts, joiner });
  [withVoice, withoutVoice] = await Promise.all([startTestAdmin({ speech, persianSynthesizer: 'azure' }), startTestAdmin()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([withVoice?.stop(), withoutVoice?.stop(), azure?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('Persian speech in the admin API', () => {
  it('tells the panel which Persian synthesizer is configured, if any, and the voices a module can choose', async () => {
    expect((await withVoice.call('GET', '/meta')).json).toMatchObject({ features: { persianVoice: 'azure' }, persianVoices: ['clips', 'neural'] });
    expect((await withoutVoice.call('GET', '/meta')).json.features.persianVoice).toBeNull();
  });

  it('saves a Persian text without a recording and the neural voice only where a Persian synthesizer is configured', async () => {
    const body = { ...persianModule, voice: 'neural', prompts: { intro: { text: 'به خط ویژه شرکت آلفا خوش آمدید.' } } };
    const refused = await withoutVoice.call('POST', '/modules', { body, headers: { 'accept-language': 'fa' } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['voice', 'voice_needs_synthesizer'],
      ['prompts.intro.text', 'fa_text_needs_recording'],
    ]);
    const saved = await withVoice.call('POST', '/modules', { body });
    expect(saved.status).toBe(201);
    expect(saved.json.module).toMatchObject({ voice: 'neural', prompts: { intro: { text: 'به خط ویژه شرکت آلفا خوش آمدید.' } } });
  });

  it('previews typed Persian text in the module voice: the exact words, as stored audio', async () => {
    const reply = await withVoice.call('POST', '/prompts/preview', {
      body: { language: 'fa', prompt: 'goodbye', voice: 'neural', override: { text: 'روز خوبی داشته باشید.' } },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.segments).toEqual([
      { kind: 'play', url: expect.stringMatching(/^https:\/\/ivr\.example\.com\/audio\/tts\/[0-9a-f]{64}\.wav\?t=/), transcript: 'روز خوبی داشته باشید.' },
    ]);
    expect(azure.synthesized.map((s) => s.text)).toContain('روز خوبی داشته باشید.');
  });

  it('previews a voice for the module form: a sample announcement, one recording per sentence', async () => {
    const neural = await withVoice.call('POST', '/speech/preview', { body: { language: 'fa', voice: 'neural', unit: 'toman' } });
    expect(neural.json.segments.map((s: { transcript: string }) => s.transcript)).toEqual([
      'به سامانه اعلام مانده حساب خوش آمدید.',
      'مانده حساب شما یک میلیون و دویست و پنجاه هزار تومان بدهکار است.',
    ]);
    const clips = await withVoice.call('POST', '/speech/preview', { body: { language: 'fa', voice: 'clips' } });
    expect(clips.json.segments.map((s: { url: string }) => s.url.split('?')[0]?.replace(/[0-9a-f]{64}/, '<sha256>'))).toEqual([
      `${BASE_URL}/audio/clips/fa/prompt-intro.wav`,
      `${BASE_URL}/audio/joined/<sha256>.wav`,
    ]);
    expect((await withVoice.call('POST', '/speech/preview', { body: { language: 'fa', voice: 'robot' } })).status).toBe(422);
  });
});
