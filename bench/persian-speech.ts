/**
 * Persian speech figures: <Play> verbs per announcement, speaking rate, joining cost per step,
 * synthesis requests for cached sentences (Azure AI Speech against its local fake) and the
 * loudness spread of the clip pack. Runs in-process against a temporary folder store.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { moduleCurrency } from '../lib/domain/money';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpeechItem, SpeechSegment } from '../lib/domain/speech-item';
import { AzureSpeechSynthesizer } from '../lib/speech/azure-speech-synthesizer';
import { CatalogueSpeech } from '../lib/speech/catalogue-speech';
import { LocalFolderAudioStore } from '../lib/speech/local-folder-audio-store';
import { SentenceJoiner } from '../lib/speech/sentence-audio';
import { SynthesizedAudioCache } from '../lib/speech/synthesized-audio-cache';
import { decodeWav, DEFAULT_FINISH, speechLevel, TELEPHONE_RATE } from '../lib/speech/telephone-audio';
import { FAKE_AZURE_KEY, startFakeAzureSpeech } from '../test/support/fake-azure-speech';
import { ROOT } from './bundle-analysis';
import { percentile } from './stats';

const CLIPS = join(ROOT, 'infra', 'audio', 'clips');

export interface PersianSpeechResult {
  readonly announcements: Array<{
    amount: string;
    words: number;
    perWordPlays: number;
    clipsPlays: number;
    neuralPlays: number;
    perWordSeconds: number;
    joinedSeconds: number;
  }>;
  readonly joinMs: { readonly sentences: number; readonly p50: number; readonly p99: number; readonly stepMissP50: number; readonly stepHitP50: number };
  readonly synthesis: { readonly sentences: number; readonly warmup: number; readonly cachedSameContainer: number; readonly newContainer: number };
  readonly loudness: { readonly clips: number; readonly min: number; readonly max: number; readonly maxAdjacentInJoins: number };
}

const announcement = (amount: number): SpeechItem[] => [
  { prompt: 'intro' },
  { prompt: 'yourBalanceIs' },
  { amount, currency: moduleCurrency('IRR', 'rial') },
  { prompt: 'owed' },
];
const plays = (segments: SpeechSegment[]) => segments.filter((s) => s.kind === 'play').length;
const seconds = (bytes: Uint8Array) => decodeWav(bytes).length / TELEPHONE_RATE;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchPersianSpeech(): Promise<PersianSpeechResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-persian-'));
  const azure = await startFakeAzureSpeech();
  try {
    const clipReader = new LocalFolderAudioStore(CLIPS);
    const container = () => {
      const store = new LocalFolderAudioStore(dir);
      const joiner = new SentenceJoiner(store, clipReader, DEFAULT_FINISH);
      const synthesizer = new AzureSpeechSynthesizer({ endpoint: azure.endpoint, key: async () => FAKE_AZURE_KEY, rate: '-5%', timeoutMs: 3000 });
      const persianTts = new SynthesizedAudioCache(
        synthesizer,
        store,
        { voice: 'fa-IR-DilaraNeural', engine: 'azure-neural', format: 'wav', sampleRate: '8000', variant: synthesizer.variant },
        DEFAULT_FINISH,
        (k, b) => joiner.remember(k, b),
      );
      return {
        joiner,
        persianTts,
        speech: new CatalogueSpeech({ audioBaseUrl: 'https://audio.example', joiner, persianTts }),
        perWord: new CatalogueSpeech({ audioBaseUrl: 'https://audio.example' }),
      };
    };
    const clip = (url: string) => new Uint8Array(readFileSync(join(CLIPS, url.slice(url.indexOf('/clips/') + '/clips/'.length))));
    const stored = (url: string) => new Uint8Array(readFileSync(join(dir, decodeURIComponent(new URL(url).pathname.slice(1)))));

    // <Play>s and speaking rate: one clip per word (before) against one joined file per sentence.
    const c = container();
    const announcements: PersianSpeechResult['announcements'] = [];
    for (const amount of [7, 1_250_000, 999_999_999_999_999]) {
      const items = announcement(amount);
      const perWord = await c.perWord.render(items, { language: 'fa', prompts: {} });
      const clips = await c.speech.render(items, { language: 'fa', prompts: {} });
      const neural = await c.speech.render(items, { language: 'fa', prompts: {}, voice: 'neural' });
      const sentence = clips[1];
      const words = sentence?.kind === 'play' ? sentence.transcript.split(/\s+/).length : 0;
      const perWordSeconds = perWord.slice(1).reduce((sum, s) => sum + (s.kind === 'play' ? seconds(clip(s.url)) : 0), 0);
      announcements.push({
        amount: amount.toLocaleString('en-US'),
        words,
        perWordPlays: plays(perWord),
        clipsPlays: plays(clips),
        neuralPlays: plays(neural),
        perWordSeconds: round(perWordSeconds),
        joinedSeconds: round(sentence?.kind === 'play' ? seconds(stored(sentence.url)) : 0),
      });
    }

    // Joining per step: distinct amounts (every one a cache miss), then the same again (hits).
    const amounts = Array.from({ length: 60 }, (_, i) => 1_000_000 + i * 7_919_311);
    const j = container();
    const miss: number[] = [];
    const hit: number[] = [];
    const joinEach: number[] = [];
    for (const amount of amounts) {
      const before = j.joiner.joinMs;
      const started = performance.now();
      await j.speech.render(announcement(amount), { language: 'fa', prompts: {} });
      miss.push(performance.now() - started);
      joinEach.push(j.joiner.joinMs - before);
    }
    for (const amount of amounts) {
      const started = performance.now();
      await j.speech.render(announcement(amount), { language: 'fa', prompts: {} });
      hit.push(performance.now() - started);
    }
    // Loudness inside joins: each word of a joined sentence against its neighbours.
    let maxAdjacentInJoins = 0;
    for (const file of readdirSync(join(dir, 'joined'))
      .filter((f) => f.endsWith('.wav'))
      .slice(0, 20)) {
      const samples = decodeWav(new Uint8Array(readFileSync(join(dir, 'joined', file))));
      const levels = wordsOf(samples).map(speechLevel);
      for (let i = 1; i < levels.length; i += 1) maxAdjacentInJoins = Math.max(maxAdjacentInJoins, Math.abs((levels[i] ?? 0) - (levels[i - 1] ?? 0)));
    }

    // Synthesis requests: the neural voice over 20 sentences, again in the same container, then in a new one.
    azure.requests.length = 0;
    const neuralAmounts = amounts.slice(0, 20);
    const s1 = container();
    for (const amount of neuralAmounts) await s1.speech.render(announcement(amount), { language: 'fa', prompts: {}, voice: 'neural' });
    const warmup = azure.requests.length;
    for (const amount of neuralAmounts) await s1.speech.render(announcement(amount), { language: 'fa', prompts: {}, voice: 'neural' });
    const cachedSameContainer = azure.requests.length - warmup;
    const s2 = container();
    for (const amount of neuralAmounts) await s2.speech.render(announcement(amount), { language: 'fa', prompts: {}, voice: 'neural' });
    const newContainer = azure.requests.length - warmup - cachedSameContainer;

    const levels = readdirSync(join(CLIPS, 'fa'))
      .filter((f) => f.endsWith('.wav'))
      .map((f) => speechLevel(decodeWav(new Uint8Array(readFileSync(join(CLIPS, 'fa', f))))));
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    return {
      announcements,
      joinMs: {
        sentences: amounts.length,
        p50: round(percentile(sorted(joinEach), 50)),
        p99: round(percentile(sorted(joinEach), 99)),
        stepMissP50: round(percentile(sorted(miss), 50)),
        stepHitP50: round(percentile(sorted(hit), 50)),
      },
      synthesis: { sentences: neuralAmounts.length + 1, warmup, cachedSameContainer, newContainer },
      loudness: { clips: levels.length, min: round(Math.min(...levels)), max: round(Math.max(...levels)), maxAdjacentInJoins: round(maxAdjacentInJoins) },
    };
  } finally {
    await azure.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The words of a joined sentence: runs of sound between the pauses. */
function wordsOf(samples: Float32Array): Float32Array[] {
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
  return words.filter((w) => w.length > 400);
}
