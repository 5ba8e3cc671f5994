/**
 * Persian speech end to end through the real adapters: Azure AI Speech against a local server
 * speaking its REST protocol (test/support/fake-azure-speech.ts), the key read through the
 * SecretResolver, audio cached in a real folder store, sentences joined from the committed
 * clip pack. What a caller hears is asserted on the TwiML, the stored files and their loudness.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModuleSpeech } from '../../lib/speech/speech';
import type { SpeechSegment } from '../../lib/domain/speech-item';
import { persianMoneyPhrase } from '../../lib/domain/amount-words';
import { moduleCurrency } from '../../lib/domain/money';

const RIAL = moduleCurrency('IRR', 'rial');
const TOMAN = moduleCurrency('IRR', 'toman');
import { NamedValueSecretResolver } from '../../lib/secrets/env-secret-resolver';
import { ProductSecrets } from '../../lib/secrets/product-secrets';
import { CircuitBreaker } from '../../lib/domain/circuit-breaker';
import { GuardedSynthesizer } from '../../lib/speech/guarded-synthesizer';
import { AzureSpeechSynthesizer } from '../../lib/speech/azure-speech-synthesizer';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { PROMPT_CATALOGUE } from '../../lib/speech/prompt-catalogue';
import { SentenceJoiner } from '../../lib/speech/sentence-audio';
import { SynthesizedAudioCache } from '../../lib/speech/synthesized-audio-cache';
import { decodeWav, DEFAULT_FINISH, speechLevel } from '../../lib/speech/telephone-audio';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { renderTwiml } from '../../lib/voice/render-twiml';
import { FAKE_AZURE_KEY, startFakeAzureSpeech, type FakeAzureSpeech } from '../support/fake-azure-speech';

const AUDIO = 'https://audio.example.com';
const CLIPS = resolve(__dirname, '../../infra/audio/clips');
const VOICE = 'fa-IR-DilaraNeural';
const secrets = new ProductSecrets(new NamedValueSecretResolver({ 'azure-speech-key': FAKE_AZURE_KEY }));
const announcement = [{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount: 1_250_000, currency: RIAL }, { prompt: 'owed' }] as const;
const sentence = `${PROMPT_CATALOGUE.fa.yourBalanceIs} ${persianMoneyPhrase(1_250_000, RIAL)} ${PROMPT_CATALOGUE.fa.owed}`;
const neural: ModuleSpeech = { language: 'fa', prompts: {}, voice: 'neural' };
const clips: ModuleSpeech = { language: 'fa', prompts: {} };

let azure: FakeAzureSpeech;
let dir: string;

beforeAll(async () => {
  azure = await startFakeAzureSpeech();
});
afterAll(() => azure.stop());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'persian-speech-'));
  azure.requests.length = 0;
  azure.synthesized.length = 0;
  azure.failWith(undefined);
  azure.delayMs = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh container over the same store: new caches (empty memory), same folder. */
function container(options: { key?: string; timeoutMs?: number; warnings?: unknown[]; breaker?: CircuitBreaker } = {}) {
  const store = new LocalFolderAudioStore(dir);
  const joiner = new SentenceJoiner(store, new LocalFolderAudioStore(CLIPS), DEFAULT_FINISH);
  const azureSynthesizer = new AzureSpeechSynthesizer({
    endpoint: azure.endpoint,
    key: options.key ? async () => options.key as string : () => secrets.get('azure-speech-key'),
    rate: '-5%',
    timeoutMs: options.timeoutMs ?? 2000,
  });
  const synthesizer = options.breaker ? new GuardedSynthesizer(azureSynthesizer, options.breaker) : azureSynthesizer;
  const persianTts = new SynthesizedAudioCache(
    synthesizer,
    store,
    { voice: VOICE, engine: 'azure-neural', format: 'wav', sampleRate: '8000', variant: synthesizer.variant },
    DEFAULT_FINISH,
    (k, b) => joiner.remember(k, b),
  );
  const warnings = options.warnings ?? [];
  const speech = new CatalogueSpeech({ audioBaseUrl: AUDIO, persianTts, joiner, logger: { warn: (...args: unknown[]) => void warnings.push(args) } });
  return { speech, persianTts, joiner, store };
}

const plays = (segments: SpeechSegment[]) => segments.map((s) => (s.kind === 'play' ? s : undefined));
const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const stored = (key: string) => new Uint8Array(readFileSync(join(dir, key)));
const sidecar = (key: string) => JSON.parse(readFileSync(join(dir, key.replace(/\.wav$/, '.json')), 'utf8')) as { transcript: string; pieces?: string[] };

describe('a Persian module on the neural voice (Azure AI Speech)', () => {
  it('speaks each sentence as one synthesized recording, the amount in our own words, over the REST protocol', async () => {
    const segments = await container().speech.render(announcement, neural);
    expect(segments.map((s) => (s.kind === 'play' ? s.transcript : s.text))).toEqual([PROMPT_CATALOGUE.fa.intro, sentence]);
    expect(segments.every((s) => s.kind === 'play' && /^https:\/\/audio\.example\.com\/tts\/[0-9a-f]{64}\.wav\?t=/.test(s.url))).toBe(true);
    expect(azure.synthesized).toEqual(
      expect.arrayContaining([
        { voice: VOICE, text: PROMPT_CATALOGUE.fa.intro, rate: '-5%' },
        { voice: VOICE, text: sentence, rate: '-5%' },
      ]),
    );
    const [request] = azure.requests;
    expect(request?.headers).toMatchObject({
      'ocp-apim-subscription-key': FAKE_AZURE_KEY,
      'content-type': 'application/ssml+xml',
      'x-microsoft-outputformat': 'riff-8khz-8bit-mono-mulaw',
    });
    expect(request?.headers['user-agent']).toBe('balance-ivr');
    // Stored telephone-ready (8 kHz mu-law at the loudness target) with its transcript beside it.
    for (const segment of plays(segments)) {
      const key = keyOf(segment?.url ?? '');
      expect(inspectAudio(stored(key))).toMatchObject({ sampleRate: 8000, channels: 1, wavFormat: 7 });
      expect(Math.abs(speechLevel(decodeWav(stored(key))) - DEFAULT_FINISH.targetDb)).toBeLessThan(0.5);
      expect(sidecar(key).transcript).toBe(segment?.transcript);
    }
  });

  it('escapes the text into SSML, so an operator cannot break the document', async () => {
    await container().speech.render([{ prompt: 'goodbye' }], { ...neural, prompts: { goodbye: { text: 'خدانگهدار <شرکت> "آلفا" & بتا' } } });
    expect(azure.requests[0]?.body).toContain('خدانگهدار &lt;شرکت&gt; &quot;آلفا&quot; &amp; بتا');
    expect(azure.synthesized.map((s) => s.text)).toEqual(['خدانگهدار <شرکت> "آلفا" & بتا']);
  });

  it('never synthesizes a cached sentence again: 0 requests on the second use, and from a fresh container over the same store', async () => {
    await container().speech.render(announcement, neural);
    expect(azure.requests).toHaveLength(2);
    const warm = container();
    const first = await warm.speech.render(announcement, neural);
    const again = await warm.speech.render(announcement, neural);
    expect(azure.requests).toHaveLength(2);
    expect(again).toEqual(first);
    expect(warm.persianTts.synthesisCount).toBe(0);
  });

  it.each([
    ['refuses the key (401)', { key: 'wrong-key' }, undefined],
    ['is throttled (429)', {}, 429],
    ['fails (500)', {}, 500],
    ['is unavailable (503)', {}, 503],
  ] as const)('falls back to the clip pack saying exactly the same words when Azure %s', async (_, options, status) => {
    if (status) azure.failWith(status);
    const warnings: unknown[] = [];
    const segments = await container({ ...options, warnings }).speech.render(announcement, neural);
    expect(segments.map((s) => (s.kind === 'play' ? s.transcript : s.text))).toEqual([PROMPT_CATALOGUE.fa.intro, sentence]);
    expect(segments[0]).toEqual({ kind: 'play', url: `${AUDIO}/clips/fa/prompt-intro.wav`, transcript: PROMPT_CATALOGUE.fa.intro });
    const joined = plays(segments)[1];
    expect(joined?.url).toMatch(/\/joined\/[0-9a-f]{64}\.wav\?t=/);
    expect(sidecar(keyOf(joined?.url ?? '')).pieces).toEqual(
      ['yourBalanceIs', 'num-1', 'scale-million', 'and', 'num-200', 'and', 'num-50', 'scale-thousand', 'unit-rial', 'owed'].map(
        (k) => `clips/fa/${k === 'yourBalanceIs' || k === 'owed' ? `prompt-${k}` : k}.wav`,
      ),
    );
    expect(warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(warnings)).not.toContain(FAKE_AZURE_KEY);
    expect(azure.synthesized).toHaveLength(0);
  });

  it('stops asking Azure after failures in a row (circuit open): later sentences go straight to the clips, the same words', async () => {
    azure.failWith(503);
    const speech = container({ breaker: new CircuitBreaker(3, 60_000) }).speech;
    const said = async (amount: number) =>
      (await speech.render([{ prompt: 'yourBalanceIs' }, { amount, currency: RIAL }, { prompt: 'owed' }], neural)).map((s) =>
        s.kind === 'play' ? s.transcript : s.text,
      );
    for (const amount of [1000, 2000, 3000]) expect(await said(amount)).toEqual([`مانده حساب شما ${persianMoneyPhrase(amount, RIAL)} بدهکار است.`]);
    const asked = azure.requests.length;
    expect(asked).toBe(3);
    expect(await said(4000)).toEqual([`مانده حساب شما ${persianMoneyPhrase(4000, RIAL)} بدهکار است.`]);
    expect(azure.requests.length).toBe(asked);
  });

  it('falls back to the clips when Azure is slower than its timeout, within the timeout', async () => {
    azure.delayMs = 1500;
    const started = Date.now();
    const segments = await container({ timeoutMs: 300 }).speech.render(
      [{ prompt: 'yourBalanceIs' }, { amount: 20_000, currency: TOMAN }, { prompt: 'owed' }],
      neural,
    );
    expect(Date.now() - started).toBeLessThan(1200);
    expect(segments.map((s) => (s.kind === 'play' ? s.transcript : ''))).toEqual(['مانده حساب شما دو هزار تومان بدهکار است.']);
  });
});

describe('a Persian module on recorded clips', () => {
  it('plays a balance announcement as at most 3 <Play>s whatever the amount (here 2), each sentence one file', async () => {
    const speech = container().speech;
    for (const amount of [0, 7, 1_250_000, 999_999_999_999_999]) {
      const segments = await speech.render([{ prompt: 'intro' }, { prompt: 'yourBalanceIs' }, { amount, currency: RIAL }, { prompt: 'owed' }], clips);
      const twiml = renderTwiml([{ kind: 'say', segments }]);
      expect(twiml.match(/<Play>/g)).toHaveLength(2);
      expect(segments[1]?.kind === 'play' && segments[1].transcript).toBe(`مانده حساب شما ${persianMoneyPhrase(amount, RIAL)} بدهکار است.`);
    }
    expect(azure.requests).toHaveLength(0);
  });

  it('joins the words evenly: every word within 1 dB of its neighbours, 40 ms pauses, and the same file for the same sentence', async () => {
    const first = container();
    const [, joined] = plays(await first.speech.render(announcement, clips));
    const key = keyOf(joined?.url ?? '');
    const samples = decodeWav(stored(key));
    // Find the words back: runs of sound separated by the 40 ms pauses.
    const words: Float32Array[] = [];
    let start = -1;
    let quiet = 0;
    samples.forEach((s, i) => {
      if (Math.abs(s) > 0.003) {
        if (start < 0) start = i;
        quiet = 0;
      } else if (start >= 0 && (quiet += 1) >= 300) {
        words.push(samples.subarray(start, i - quiet + 1));
        start = -1;
        quiet = 0;
      }
    });
    if (start >= 0) words.push(samples.subarray(start));
    const levels = words.filter((w) => w.length > 400).map(speechLevel);
    expect(levels.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < levels.length; i += 1) expect(Math.abs((levels[i] ?? 0) - (levels[i - 1] ?? 0))).toBeLessThanOrEqual(1);
    expect(first.joiner.joinCount).toBe(1);
    // Another container finds the stored sentence and joins nothing.
    const second = container();
    expect(plays(await second.speech.render(announcement, clips))[1]?.url).toBe(joined?.url);
    expect(second.joiner.joinCount).toBe(0);
  });

  it('speaks Persian text an operator typed through the synthesizer, joined with the clips of the amount', async () => {
    const module: ModuleSpeech = { language: 'fa', prompts: { yourBalanceIs: { text: 'بدهی شما به شرکت' } } };
    const segments = await container().speech.render([{ prompt: 'yourBalanceIs' }, { amount: 50_000, currency: TOMAN }, { prompt: 'owed' }], module);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.kind === 'play' && segments[0].transcript).toBe('بدهی شما به شرکت پنج هزار تومان بدهکار است.');
    expect(azure.synthesized.map((s) => s.text)).toEqual(['بدهی شما به شرکت']);
    expect(sidecar(keyOf((segments[0] as { url: string }).url)).pieces?.[0]).toMatch(/^tts\/[0-9a-f]{64}\.wav$/);
  });

  it('plays the pieces one by one when the store cannot take the joined file', async () => {
    const { speech } = container();
    const broken = new CatalogueSpeech({
      audioBaseUrl: AUDIO,
      joiner: new SentenceJoiner(
        { exists: async () => false, get: async () => undefined, put: async () => Promise.reject(new Error('disk full')) },
        new LocalFolderAudioStore(CLIPS),
        DEFAULT_FINISH,
      ),
      logger: { warn: () => undefined },
    });
    const segments = await broken.render([{ prompt: 'yourBalanceIs' }, { amount: 2, currency: RIAL }], clips);
    expect(segments.map((s) => (s.kind === 'play' ? s.url.split('/').pop() : ''))).toEqual(['prompt-yourBalanceIs.wav', 'num-2.wav', 'unit-rial.wav']);
    expect(await speech.render([{ prompt: 'apology' }], clips)).toEqual([
      { kind: 'play', url: `${AUDIO}/clips/fa/prompt-apology.wav`, transcript: PROMPT_CATALOGUE.fa.apology },
    ]);
  });
});
