/** SpeechSynthesizer on Amazon Polly (SynthesizeSpeech, plain text). */
import { SynthesizeSpeechCommand, type Engine, type PollyClient, type VoiceId } from '@aws-sdk/client-polly';
import type { SpeechSynthesizer, SynthesisRequest } from './speech-synthesizer';

export class EmptySynthesisError extends Error {
  override readonly name = 'EmptySynthesisError';
}

export class PollySynthesizer implements SpeechSynthesizer {
  constructor(private readonly polly: PollyClient) {}

  async synthesize(request: SynthesisRequest): Promise<Uint8Array> {
    const { AudioStream } = await this.polly.send(
      new SynthesizeSpeechCommand({
        Text: request.text,
        TextType: 'text',
        VoiceId: request.voice as VoiceId,
        Engine: request.engine as Engine,
        OutputFormat: request.format,
        SampleRate: request.sampleRate,
      }),
    );
    const bytes = AudioStream ? await AudioStream.transformToByteArray() : new Uint8Array();
    if (bytes.length === 0) throw new EmptySynthesisError('Polly returned no audio');
    return bytes;
  }
}
