/**
 * Synthesize once, play forever: text is synthesized on the first request and stored under
 * `tts/<sha256(text, voice, engine, format, sample rate[, variant])>.mp3|wav` with its
 * transcript beside it (`tts/<sha256>.json`); every later request (any container, any call)
 * finds the object and makes no synthesis call. WAV audio (the Persian voices) is stored as
 * 8 kHz mono mu-law at the loudness target, trimmed and faded, ready to be joined.
 */
import { createHash } from 'node:crypto';
import type { AudioStore } from './audio-store';
import type { SpeechSynthesizer, SynthesisRequest } from './speech-synthesizer';
import { DEFAULT_FINISH, finishWav, type AudioFinish } from './telephone-audio';

export type SynthesisSettings = Omit<SynthesisRequest, 'text'>;

/** The cache key: every input that changes the audio is part of it. */
export function synthesisKey(request: SynthesisRequest): string {
  const inputs = [request.text, request.voice, request.engine, request.format, request.sampleRate, ...(request.variant ? [request.variant] : [])];
  return `tts/${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}.${request.format}`;
}

/** Where a stored recording keeps its transcript: `x/<hash>.wav` → `x/<hash>.json`. */
export const transcriptKey = (audioKey: string): string => audioKey.replace(/\.[a-z0-9]+$/, '.json');

/** The transcript beside stored audio: the exact words it says. */
export async function putTranscript(store: AudioStore, audioKey: string, transcript: string, extra: Record<string, unknown> = {}): Promise<void> {
  await store.put(transcriptKey(audioKey), new TextEncoder().encode(JSON.stringify({ transcript, ...extra })), 'application/json');
}

export class SynthesizedAudioCache {
  /** Keys known to exist: a warm container skips even the existence check. */
  private readonly known = new Set<string>();
  /** Lookups in flight by key, until they finish (a failure is not kept). */
  private readonly pending = new Map<string, Promise<string>>();
  /** Synthesis calls made by this instance (cache misses), for reports and metrics. */
  synthesisCount = 0;

  constructor(
    private readonly synthesizer: SpeechSynthesizer,
    private readonly store: AudioStore,
    readonly settings: SynthesisSettings,
    private readonly finish: AudioFinish = DEFAULT_FINISH,
    /** Called with audio this instance just stored, so a joiner need not read it back. */
    private readonly onStored?: (key: string, bytes: Uint8Array) => void,
  ) {}

  /** Stored audio key for the text, synthesizing and storing it on a miss. Throws when either fails. */
  async audioKeyFor(text: string): Promise<string> {
    const request: SynthesisRequest = { ...this.settings, text };
    const key = synthesisKey(request);
    if (this.known.has(key)) return key;
    // A step renders its prompts in parallel and repeats some (a <Pay>'s retries): requests for
    // one text share the lookup in flight, so a cold container checks and synthesizes it once.
    // A failed lookup is forgotten with it: the next request tries again.
    let lookup = this.pending.get(key);
    if (!lookup) {
      lookup = this.lookUp(request, key).finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    return lookup;
  }

  private async lookUp(request: SynthesisRequest, key: string): Promise<string> {
    if (!(await this.store.exists(key))) {
      const synthesized = await this.synthesizer.synthesize(request);
      this.synthesisCount += 1;
      const audio = request.format === 'wav' ? finishWav(synthesized, this.finish) : synthesized;
      await Promise.all([this.store.put(key, audio, request.format === 'wav' ? 'audio/wav' : 'audio/mpeg'), putTranscript(this.store, key, request.text)]);
      this.onStored?.(key, audio);
    }
    this.known.add(key);
    return key;
  }
}
