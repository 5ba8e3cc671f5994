/**
 * English speech through Polly with an S3 cache, against local servers speaking the Polly and
 * S3 REST APIs: the real SDK clients and adapters run end to end.
 */
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import type { BalanceModule } from '../../lib/config/module-schema';
import { S3AudioStore, IMMUTABLE_CACHE_CONTROL } from '../../lib/speech/s3-audio-store';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { PollySynthesizer } from '../../lib/speech/polly-synthesizer';
import { SynthesizedAudioCache, synthesisKey } from '../../lib/speech/synthesized-audio-cache';
import { renderTwiml } from '../../lib/voice/render-twiml';
import { startFakePolly, startFakeS3 } from '../support/fake-aws-audio';

const BUCKET = 'audio-test';
const AUDIO = 'https://audio.example.com';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const settings = { voice: 'Joanna', engine: 'neural', format: 'mp3', sampleRate: '22050' } as const;
const english: Pick<BalanceModule, 'language' | 'prompts'> = { language: 'en', prompts: {} };

let polly: Awaited<ReturnType<typeof startFakePolly>>;
let s3: Awaited<ReturnType<typeof startFakeS3>>;
let pollyClient: PollyClient;
let s3Client: S3Client;

beforeAll(async () => {
  [polly, s3] = await Promise.all([startFakePolly(), startFakeS3(BUCKET)]);
  pollyClient = new PollyClient({ region: 'eu-central-1', endpoint: polly.endpoint, credentials, maxAttempts: 1 });
  s3Client = new S3Client({ region: 'eu-central-1', endpoint: s3.endpoint, forcePathStyle: true, credentials, maxAttempts: 1 });
});

afterAll(async () => {
  pollyClient.destroy();
  s3Client.destroy();
  await Promise.all([polly.stop(), s3.stop()]);
});

beforeEach(() => {
  polly.failWith(undefined);
  s3.failWith(undefined);
  polly.requests.length = 0;
  polly.synthesized.length = 0;
  s3.requests.length = 0;
  s3.objects.clear();
});

/** A fresh container: new cache (empty memory), same bucket. */
function container(warnings: unknown[] = []) {
  const cache = new SynthesizedAudioCache(new PollySynthesizer(pollyClient), new S3AudioStore(s3Client, BUCKET), settings);
  return new CatalogueSpeech({ audioBaseUrl: AUDIO, tts: cache, logger: { warn: (...args: unknown[]) => void warnings.push(args) } });
}

describe('English prompts through Polly and the audio cache', () => {
  it('synthesizes a prompt once, stores it under its hash with long cache headers and plays it', async () => {
    const segments = await container().render([{ prompt: 'intro' }], english);
    const key = synthesisKey({ ...settings, text: 'Welcome to the account balance service.' });
    expect(key).toMatch(/^tts\/[0-9a-f]{64}\.mp3$/);
    expect(renderTwiml([{ kind: 'say', segments }])).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Play>${AUDIO}/${key}?t=Welcome%20to%20the%20account%20balance%20service.</Play></Response>`,
    );
    expect(polly.synthesized).toEqual(['Welcome to the account balance service.']);
    const stored = s3.objects.get(key);
    expect(stored?.contentType).toBe('audio/mpeg');
    expect(stored?.cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(stored?.body.toString('latin1')).toContain('mp3:Joanna:Welcome to the account balance service.');
  });

  it('makes no Polly call on a cache hit, in a new container (one HEAD) and a warm one (no request)', async () => {
    await container().render([{ prompt: 'intro' }], english);
    expect(polly.requests).toHaveLength(1);

    const cold = container();
    s3.requests.length = 0;
    await cold.render([{ prompt: 'intro' }], english);
    expect(polly.requests).toHaveLength(1);
    expect(s3.requests.map((r) => r.method)).toEqual(['HEAD']);

    s3.requests.length = 0;
    await cold.render([{ prompt: 'intro' }], english);
    expect(polly.requests).toHaveLength(1);
    expect(s3.requests).toHaveLength(0);
  });

  it('checks and synthesizes a text once when a step asks for it several times at once (a <Pay> repeats prompts)', async () => {
    const cache = new SynthesizedAudioCache(new PollySynthesizer(pollyClient), new S3AudioStore(s3Client, BUCKET), settings);
    const keys = await Promise.all([
      cache.audioKeyFor('Please enter your card number.'),
      cache.audioKeyFor('Please enter your card number.'),
      cache.audioKeyFor('Please enter your card number.'),
    ]);
    expect(new Set(keys)).toEqual(new Set([synthesisKey({ ...settings, text: 'Please enter your card number.' })]));
    expect(cache.synthesisCount).toBe(1);
    expect(polly.synthesized).toEqual(['Please enter your card number.']);
    expect(s3.requests.filter((r) => r.method === 'HEAD')).toHaveLength(1);
  });

  it('does not keep a failed lookup: the requests waiting on it fail, the next one tries again', async () => {
    polly.failWith(500);
    const cache = new SynthesizedAudioCache(new PollySynthesizer(pollyClient), new S3AudioStore(s3Client, BUCKET), settings);
    const failed = await Promise.allSettled([cache.audioKeyFor('Goodbye.'), cache.audioKeyFor('Goodbye.')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(polly.requests).toHaveLength(1);
    polly.failWith(undefined);
    expect(await cache.audioKeyFor('Goodbye.')).toBe(synthesisKey({ ...settings, text: 'Goodbye.' }));
    expect(cache.synthesisCount).toBe(1);
    expect(polly.requests).toHaveLength(2);
  });

  it('keys the cache by voice, engine, format and sample rate as well as text', () => {
    const base = synthesisKey({ ...settings, text: 'Hello' });
    expect(
      new Set([
        base,
        synthesisKey({ ...settings, text: 'Hello ' }),
        synthesisKey({ ...settings, text: 'Hello', voice: 'Matthew' }),
        synthesisKey({ ...settings, text: 'Hello', engine: 'standard' }),
        synthesisKey({ ...settings, text: 'Hello', sampleRate: '8000' }),
      ]).size,
    ).toBe(5);
    expect(synthesisKey({ ...settings, text: 'Hello' })).toBe(base);
  });

  it('synthesizes the amount and the prompts of a step as separate cached pieces, in order', async () => {
    const segments = await container().render(
      [{ prompt: 'yourBalanceIs' }, { amount: 1_250_000, currency: { code: 'IRR', unit: 'rial' } }, { prompt: 'owed' }],
      english,
    );
    expect(segments.map((s) => (s.kind === 'play' ? s.transcript : s.text))).toEqual([
      'Your account balance is',
      'one million two hundred fifty thousand rials',
      'due for payment.',
    ]);
    expect(segments.every((s) => s.kind === 'play')).toBe(true);
    expect(polly.synthesized.sort()).toEqual(['Your account balance is', 'due for payment.', 'one million two hundred fifty thousand rials'].sort());
  });

  it('synthesizes an English text override instead of the catalogue text', async () => {
    const segments = await container().render([{ prompt: 'goodbye' }], { language: 'en', prompts: { goodbye: { text: 'See you soon.' } } });
    expect(segments).toEqual([{ kind: 'play', url: expect.stringContaining('?t=See%20you%20soon.'), transcript: 'See you soon.' }]);
    expect(polly.synthesized).toEqual(['See you soon.']);
  });

  it('falls back to <Say> with the same text, logged, when Polly fails', async () => {
    polly.failWith(500);
    const warnings: unknown[] = [];
    const segments = await container(warnings).render([{ prompt: 'yourBalanceIs' }, { amount: 1_250_000, currency: { code: 'IRR', unit: 'rial' } }], english);
    expect(renderTwiml([{ kind: 'say', segments }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">Your account balance is one million two hundred fifty thousand rials</Say></Response>',
    );
    expect(warnings.length).toBe(2);
    expect(s3.objects.size).toBe(0);
  });

  it('falls back to <Say> when Polly is slower than the timeout', async () => {
    polly.delayMs = 500;
    const slowClient = new PollyClient({
      region: 'eu-central-1',
      endpoint: polly.endpoint,
      credentials,
      maxAttempts: 1,
      requestHandler: { requestTimeout: 100 },
    });
    try {
      const speech = new CatalogueSpeech({
        audioBaseUrl: AUDIO,
        tts: new SynthesizedAudioCache(new PollySynthesizer(slowClient), new S3AudioStore(s3Client, BUCKET), settings),
      });
      const started = Date.now();
      expect(await speech.render([{ prompt: 'apology' }], english)).toEqual([
        { kind: 'say', text: 'Sorry, we cannot complete your request right now.', voice: 'Polly.Joanna', language: 'en-US' },
      ]);
      expect(Date.now() - started).toBeLessThan(450);
    } finally {
      polly.delayMs = 0;
      slowClient.destroy();
    }
  });

  it('falls back to <Say> when the audio store fails, and recovers once it answers again', async () => {
    s3.failWith(503);
    const speech = container();
    expect(await speech.render([{ prompt: 'goodbye' }], english)).toEqual([
      { kind: 'say', text: 'Thank you for calling. Goodbye.', voice: 'Polly.Joanna', language: 'en-US' },
    ]);
    expect(polly.requests).toHaveLength(0);
    s3.failWith(undefined);
    const [segment] = await speech.render([{ prompt: 'goodbye' }], english);
    expect(segment?.kind).toBe('play');
    expect(polly.requests).toHaveLength(1);
  });

  it('keeps Persian on clips even when Polly is configured', async () => {
    const segments = await container().render([{ prompt: 'intro' }, { amount: 10_000, currency: { code: 'IRR', unit: 'toman' } }], {
      language: 'fa',
      prompts: {},
    });
    expect(segments.map((s) => (s.kind === 'play' ? s.url : s.text))).toEqual([
      `${AUDIO}/clips/fa/prompt-intro.wav`,
      `${AUDIO}/clips/fa/scale-thousand.wav`,
      `${AUDIO}/clips/fa/unit-toman.wav`,
    ]);
    expect(polly.requests).toHaveLength(0);
  });
});

describe('S3AudioStore', () => {
  it('reports missing objects as absent and reads back what it stored', async () => {
    const store = new S3AudioStore(s3Client, BUCKET);
    expect(await store.exists('uploads/x.wav')).toBe(false);
    expect(await store.get('uploads/x.wav')).toBeUndefined();
    await store.put('uploads/x.wav', new Uint8Array([1, 2, 3]), 'audio/wav');
    expect(await store.exists('uploads/x.wav')).toBe(true);
    expect([...((await store.get('uploads/x.wav')) ?? [])]).toEqual([1, 2, 3]);
    expect(s3.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toContain(`PUT /${BUCKET}/uploads/x.wav`);
  });

  it('throws on a server error instead of calling it a miss', async () => {
    s3.failWith(500);
    await expect(new S3AudioStore(s3Client, BUCKET).exists('tts/a.mp3')).rejects.toThrow();
  });
});
