/**
 * A local server speaking Azure AI Speech's text-to-speech REST protocol:
 *   POST /cognitiveservices/v1 with `Ocp-Apim-Subscription-Key`, `Content-Type:
 *   application/ssml+xml`, `X-Microsoft-OutputFormat` and an SSML body → the audio.
 * Wrong key 401, wrong content type 415, unknown output format or SSML without a voice 400,
 * injected failures (429, 5xx) and delays, as the real service answers them. The audio is a
 * speech-like tone whose length follows the text, in `riff-8khz-8bit-mono-mulaw` with a
 * 16-byte fmt chunk, a LIST chunk and silence around the speech (not the layout sox writes,
 * so the joiner's chunk walking is exercised), louder than the product's loudness target.
 */
import { voiceLikeWav } from './audio-files';
import { startTestHttpServer } from './test-http-server';
import { unescapeXml } from './xml-text';

export interface FakeAzureSpeech {
  readonly endpoint: string;
  /** Every request, as received. */
  readonly requests: Array<{ headers: Record<string, string | string[] | undefined>; body: string }>;
  /** Texts synthesized (SSML tags removed), with the voice asked for. */
  readonly synthesized: Array<{ voice: string; text: string; rate: string }>;
  /** Answer every request with this status (401, 429, 500, 503…) until reset with undefined. */
  failWith(status: number | undefined): void;
  delayMs: number;
  stop(): Promise<void>;
}

export const FAKE_AZURE_KEY = 'test-azure-key';

/** Azure-style WAV: RIFF, 16-byte fmt, LIST, data. */
function azureWav(text: string): Buffer {
  const plain = Buffer.from(voiceLikeWav(0.3 + text.length * 0.045, { levelDb: -12, silenceMs: 120, pitchHz: 180 }));
  const fmt = plain.subarray(12, 36);
  const data = plain.subarray(36);
  const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([12, 0, 0, 0]), Buffer.from('INFOISFT', 'latin1'), Buffer.from([0, 0, 0, 0])]);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, list, data]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

export async function startFakeAzureSpeech(options: { key?: string } = {}): Promise<FakeAzureSpeech> {
  const key = options.key ?? FAKE_AZURE_KEY;
  const requests: FakeAzureSpeech['requests'] = [];
  const synthesized: FakeAzureSpeech['synthesized'] = [];
  const state = { failure: undefined as number | undefined, delayMs: 0 };
  const server = await startTestHttpServer(({ incoming, body, answer }) => {
    requests.push({ headers: incoming.headers, body });
    const fail = (status: number, message = '') => answer((res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(message), state.delayMs);
    if (incoming.method !== 'POST' || incoming.url !== '/cognitiveservices/v1') return fail(404);
    if (incoming.headers['ocp-apim-subscription-key'] !== key) return fail(401, 'Access denied due to invalid subscription key or wrong API endpoint.');
    if (incoming.headers['content-type'] !== 'application/ssml+xml') return fail(415);
    if (incoming.headers['x-microsoft-outputformat'] !== 'riff-8khz-8bit-mono-mulaw') return fail(400, 'Unsupported output format');
    if (state.failure) return fail(state.failure);
    const voice = /<voice name="([^"]+)">/.exec(body)?.[1];
    if (!/^<speak version="1.0" xmlns="http:\/\/www.w3.org\/2001\/10\/synthesis" xml:lang="fa-IR">/.test(body) || !voice) return fail(400, 'Invalid SSML');
    const rate = /<prosody rate="([^"]+)">/.exec(body)?.[1] ?? '';
    const text = unescapeXml(body.replace(/<[^>]+>/g, ''));
    synthesized.push({ voice, text, rate });
    answer((res) => res.writeHead(200, { 'content-type': 'audio/x-wav' }).end(azureWav(text)), state.delayMs);
  });
  return {
    endpoint: server.url,
    requests,
    synthesized,
    failWith: (status) => void (state.failure = status),
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    stop: () => server.stop(),
  };
}
