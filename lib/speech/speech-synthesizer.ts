/** Port: text to speech (adapter: polly-synthesizer.ts). */

export interface SynthesisRequest {
  readonly text: string;
  readonly voice: string;
  readonly engine: string;
  readonly format: 'mp3';
  readonly sampleRate: string;
}

/** Text to speech (Amazon Polly when deployed). */
export interface SpeechSynthesizer {
  synthesize(request: SynthesisRequest): Promise<Uint8Array>;
}
