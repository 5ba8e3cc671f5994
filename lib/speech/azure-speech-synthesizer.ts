/**
 * SpeechSynthesizer on Azure AI Speech (text-to-speech REST, neural fa-IR voices): SSML in,
 * 8 kHz mono mu-law WAV out (`riff-8khz-8bit-mono-mulaw`, the telephone format). The text is
 * spoken exactly as written: amounts arrive as our own words (say-as has no Persian numbers).
 * The key is a named secret, read through the SecretResolver on each call (cached there).
 */
import { SynthesisFailedError, type SpeechSynthesizer, type SynthesisRequest } from './speech-synthesizer';

export const AZURE_OUTPUT_FORMAT = 'riff-8khz-8bit-mono-mulaw';

export interface AzureSpeechOptions {
  /** `https://<region>.tts.speech.microsoft.com` (or a local test server). */
  readonly endpoint: string;
  /** The subscription key (a secret: never logged, never in an error). */
  readonly key: () => Promise<string>;
  /** prosody rate, e.g. `-5%`; part of the cache key through `variant`. */
  readonly rate: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** The SSML document for one sentence in one voice. */
export function azureSsml(text: string, voice: string, rate: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
  const language = voice.split('-').slice(0, 2).join('-');
  return `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="${language}"><voice name="${voice}"><prosody rate="${rate}">${escaped}</prosody></voice></speak>`;
}

export class AzureSpeechSynthesizer implements SpeechSynthesizer {
  constructor(private readonly options: AzureSpeechOptions) {}

  get variant(): string {
    return `rate=${this.options.rate}`;
  }

  async synthesize(request: SynthesisRequest): Promise<Uint8Array> {
    const key = await this.options.key();
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${this.options.endpoint}/cognitiveservices/v1`, {
        method: 'POST',
        headers: {
          'Ocp-Apim-Subscription-Key': key,
          'Content-Type': 'application/ssml+xml',
          'X-Microsoft-OutputFormat': AZURE_OUTPUT_FORMAT,
          'User-Agent': 'balance-ivr',
        },
        body: azureSsml(request.text, request.voice, this.options.rate),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new SynthesisFailedError(
        timedOut ? `Azure speech did not answer within ${this.options.timeoutMs} ms` : `Azure speech unreachable: ${(error as Error).message}`,
      );
    }
    const body = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (!response.ok) throw new SynthesisFailedError(`Azure speech answered ${response.status}`, response.status);
    if (body.length <= 58) throw new SynthesisFailedError('Azure speech returned no audio', response.status);
    return body;
  }
}
