import { playTranscriber, playTranscript, readClipTranscripts } from '../../../tools/simulator/audio-manifest';
import type { FetchLike } from '../../../tools/simulator/request-signer';
import { startTestHttpServer, type TestHttpServer } from '../../support/test-http-server';

describe('playTranscript', () => {
  const clips = { 'num-1': 'یک', 'prompt-fa-intro': 'سلام' };

  it('uses the manifest for <key>.<ext>, then the t parameter, then the URL', () => {
    expect(playTranscript('https://h/audio/fa/num-1.wav', clips)).toBe('یک');
    expect(playTranscript('https://h/tts/abc.mp3?t=hello', clips)).toBe('hello');
    expect(playTranscript('https://h/tts/abc.mp3', clips)).toBe('https://h/tts/abc.mp3');
  });

  it('reads the text of synthesized and uploaded audio from t=, decoded', () => {
    const url = `http://127.0.0.1:3000/audio/tts/fa/3f2a.mp3?t=${encodeURIComponent('مانده حساب شما')}`;
    expect(playTranscript(url, clips)).toBe('مانده حساب شما');
  });

  it('prefers the clip text to t= for a known clip, and decodes the clip key', () => {
    expect(playTranscript('http://127.0.0.1:3000/audio/clips/fa/prompt%2Dfa%2Dintro.wav?t=other', clips)).toBe('سلام');
  });

  it('reads the clip key of a relative URL too', () => {
    expect(playTranscript('/audio/clips/fa/num-1.wav', clips)).toBe('یک');
  });

  it('shows the URL for a segment without an extension or a key only the object prototype has', () => {
    expect(playTranscript('http://127.0.0.1:3000/audio/num-1', clips)).toBe('http://127.0.0.1:3000/audio/num-1');
    expect(playTranscript('http://127.0.0.1:3000/audio/constructor.wav', clips)).toBe('http://127.0.0.1:3000/audio/constructor.wav');
  });
});

describe('reading /audio/manifest.json', () => {
  let server: TestHttpServer;
  let answer: { status: number; body: string };
  let manifestRequests: number;

  beforeAll(async () => {
    server = await startTestHttpServer(({ incoming, answer: reply }) => {
      if (incoming.url === '/audio/manifest.json') manifestRequests += 1;
      reply((res) => res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body));
    });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    manifestRequests = 0;
    answer = { status: 200, body: JSON.stringify({ clips: { 'num-1': 'یک', broken: 7 }, version: 2 }) };
  });

  const source = (fetchImpl: FetchLike = (url, init) => fetch(url, init)) => ({ baseUrl: server.url, fetchImpl, timeoutMs: 2000 });

  it('keeps the clips whose transcript is text', async () => {
    expect(await readClipTranscripts(source())).toEqual({ 'num-1': 'یک' });
  });

  it('has no clips when the stack has no manifest, or not a JSON one', async () => {
    answer = { status: 404, body: 'not found' };
    expect(await readClipTranscripts(source())).toEqual({});
    answer = { status: 200, body: '<html>' };
    expect(await readClipTranscripts(source())).toEqual({});
  });

  it('has no clips when the stack cannot be reached', async () => {
    const unreachable: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await readClipTranscripts(source(unreachable))).toEqual({});
  });

  it('fetches the manifest on the first Play only, once for the whole call', async () => {
    const transcribe = playTranscriber(source());
    expect(manifestRequests).toBe(0);
    const texts = await Promise.all([transcribe(`${server.url}/audio/clips/fa/num-1.wav`), transcribe(`${server.url}/audio/tts/x.mp3?t=hi`)]);
    expect(await transcribe(`${server.url}/audio/clips/fa/num-1.wav`)).toBe('یک');
    expect(texts).toEqual(['یک', 'hi']);
    expect(manifestRequests).toBe(1);
  });
});
