/**
 * Synthesize once, play forever: text is synthesized on the first request and stored under
 * `tts/<sha256(text, voice, engine, format, sample rate)>.mp3`; every later request (any
 * container, any call) finds the object and makes no synthesis call.
 */
import { createHash } from 'node:crypto';
import type { AudioStore } from './audio-store';
import type { SpeechSynthesizer, SynthesisRequest } from './speech-synthesizer';

export type SynthesisSettings = Omit<SynthesisRequest, 'text'>;

/** The cache key: every input that changes the audio is part of it. */
export function synthesisKey(request: SynthesisRequest): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.text, request.voice, request.engine, request.format, request.sampleRate]))
    .digest('hex');
  return `tts/${digest}.${request.format}`;
}

export class SynthesizedAudioCache {
  /** Keys known to exist: a warm container skips even the existence check. */
  private readonly known = new Set<string>();
  /** Synthesis calls made by this instance (cache misses), for reports and metrics. */
  synthesisCount = 0;

  constructor(
    private readonly synthesizer: SpeechSynthesizer,
    private readonly store: AudioStore,
    readonly settings: SynthesisSettings,
  ) {}

  /** Stored audio key for the text, synthesizing and storing it on a miss. Throws when either fails. */
  async audioKeyFor(text: string): Promise<string> {
    const request: SynthesisRequest = { ...this.settings, text };
    const key = synthesisKey(request);
    if (this.known.has(key)) return key;
    if (!(await this.store.exists(key))) {
      const audio = await this.synthesizer.synthesize(request);
      this.synthesisCount += 1;
      await this.store.put(key, audio, 'audio/mpeg');
    }
    this.known.add(key);
    return key;
  }
}
