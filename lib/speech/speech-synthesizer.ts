/** Port: text to speech (adapters: polly-synthesizer.ts; Persian: azure-speech-synthesizer.ts, espeak-synthesizer.ts). */

export interface SynthesisRequest {
  readonly text: string;
  readonly voice: string;
  readonly engine: string;
  /** mp3 (Polly), or wav: a WAV the cache turns into 8 kHz mono mu-law at the loudness target. */
  readonly format: 'mp3' | 'wav';
  readonly sampleRate: string;
  /** Other adapter settings that change the audio (speaking rate, pitch…); part of the cache key. */
  readonly variant?: string;
}

/** Text to speech (Amazon Polly for English; Azure AI Speech or espeak-ng for Persian). */
export interface SpeechSynthesizer {
  synthesize(request: SynthesisRequest): Promise<Uint8Array>;
}

/**
 * The engine did not answer with audio: timeout, refused key (401), throttled (429), server
 * error (5xx) or a failed process. `status` is the HTTP status or exit code when there is one.
 * The message never carries a key.
 */
export class SynthesisFailedError extends Error {
  override readonly name = 'SynthesisFailedError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
