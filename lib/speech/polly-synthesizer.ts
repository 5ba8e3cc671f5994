/** SpeechSynthesizer on Amazon Polly (SynthesizeSpeech, plain text). */
import { SynthesizeSpeechCommand, type Engine, type PollyClient, type VoiceId } from '@aws-sdk/client-polly';
import { SynthesisFailedError, type SpeechSynthesizer, type SynthesisRequest } from './speech-synthesizer';

export class EmptySynthesisError extends Error {
  override readonly name = 'EmptySynthesisError';
}

export class PollySynthesizer implements SpeechSynthesizer {
  constructor(private readonly polly: PollyClient) {}

  async synthesize(request: SynthesisRequest): Promise<Uint8Array> {
    if (request.format !== 'mp3') throw new SynthesisFailedError('Polly is used for mp3 only');
    const { AudioStream } = await this.polly.send(
      new SynthesizeSpeechCommand({
        Text: request.text,
        TextType: 'text',
        VoiceId: request.voice as VoiceId,
        Engine: request.engine as Engine,
        OutputFormat: 'mp3',
        SampleRate: request.sampleRate,
      }),
    );
    const bytes = AudioStream ? await AudioStream.transformToByteArray() : new Uint8Array();
    if (bytes.length === 0) throw new EmptySynthesisError('Polly returned no audio');
    return bytes;
  }
}
