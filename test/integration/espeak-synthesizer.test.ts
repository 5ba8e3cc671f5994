/**
 * The espeak-ng adapter's process handling, against a stand-in executable written here (a tiny
 * Node script that behaves like `espeak-ng --stdout`: options in argv, text on stdin, a WAV
 * on stdout), so the test needs no espeak-ng on the machine.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspeakSynthesizer, ESPEAK_DEFAULTS } from '../../lib/speech/espeak-synthesizer';
import { SynthesisFailedError } from '../../lib/speech/speech-synthesizer';
import { SynthesizedAudioCache } from '../../lib/speech/synthesized-audio-cache';
import { LocalFolderAudioStore } from '../../lib/speech/local-folder-audio-store';
import { CatalogueSpeech } from '../../lib/speech/catalogue-speech';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { decodeWav, DEFAULT_FINISH, speechLevel } from '../../lib/speech/telephone-audio';

// Like espeak-ng --stdout: a streamed 22.05 kHz 16-bit WAV (data size 0x7ffff000), a tone 0.05 s per character.
const standIn = (logFile: string) => `#!${process.execPath}
const { appendFileSync } = require('node:fs');
const args = process.argv.slice(2);
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => {
  appendFileSync(${JSON.stringify(logFile)}, JSON.stringify({ args, text }) + '\\n');
  if (text.includes('CRASH')) { process.stderr.write('espeak-ng: voice not found'); process.exit(1); }
  if (text.includes('HANG')) { setTimeout(() => {}, 60000); return; }
  const rate = 22050, n = Math.round(rate * 0.05 * text.length);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 150 * i / rate) * Math.sin(Math.PI * i / rate / 0.2) ** 2), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(0x7ffff024, 4); h.write('WAVEfmt ', 8); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(0x7ffff000, 40);
  process.stdout.write(Buffer.concat([h, data]));
});
`;

let dir: string;
let command: string;
const log = () =>
  readFileSync(join(dir, 'calls.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { args: string[]; text: string });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'espeak-'));
  command = join(dir, 'espeak-ng');
  writeFileSync(command, standIn(join(dir, 'calls.log')));
  chmodSync(command, 0o755);
  writeFileSync(join(dir, 'calls.log'), '');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const synthesizer = (timeoutMs = 5000) => new EspeakSynthesizer({ ...ESPEAK_DEFAULTS, command, timeoutMs });
const request = (text: string) => ({ text, voice: 'fa+klatt4', engine: 'espeak-ng', format: 'wav', sampleRate: '8000' }) as const;

describe('the espeak-ng synthesizer', () => {
  it('passes voice, speed, pitch, amplitude and word gap as options and the text on stdin (never as an option)', async () => {
    const wav = await synthesizer().synthesize(request('-v سلام'));
    expect(log()).toEqual([{ args: ['-v', 'fa+klatt4', '-s', '170', '-p', '45', '-a', '70', '-g', '0', '--stdout'], text: '-v سلام' }]);
    expect(decodeWav(wav).length).toBeGreaterThan(0);
  });

  it('is cached like any synthesizer: stored once as 8 kHz mu-law at the loudness target, then never run again', async () => {
    const store = new LocalFolderAudioStore(join(dir, 'audio'));
    const espeak = synthesizer();
    const cache = new SynthesizedAudioCache(espeak, store, {
      voice: 'fa+klatt4',
      engine: 'espeak-ng',
      format: 'wav',
      sampleRate: '8000',
      variant: espeak.variant,
    });
    const speech = new CatalogueSpeech({ audioBaseUrl: 'https://a.example', persianTts: cache });
    const module = { language: 'fa', prompts: { goodbye: { text: 'به امید دیدار.' } } } as const;
    const [segment] = await speech.render([{ prompt: 'goodbye' }], module);
    expect(segment).toMatchObject({ kind: 'play', transcript: 'به امید دیدار.' });
    const key = decodeURIComponent(new URL((segment as { url: string }).url).pathname.slice(1));
    const stored = new Uint8Array(readFileSync(join(dir, 'audio', key)));
    expect(inspectAudio(stored)).toMatchObject({ sampleRate: 8000, wavFormat: 7 });
    expect(Math.abs(speechLevel(decodeWav(stored)) - DEFAULT_FINISH.targetDb)).toBeLessThan(0.5);
    await new CatalogueSpeech({ audioBaseUrl: 'https://a.example', persianTts: new SynthesizedAudioCache(espeak, store, cache.settings) }).render(
      [{ prompt: 'goodbye' }],
      module,
    );
    expect(log()).toHaveLength(1);
  });

  it('fails with a SynthesisFailedError carrying the exit code and stderr when the process fails', async () => {
    const error = await synthesizer()
      .synthesize(request('CRASH'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisFailedError);
    expect(error).toMatchObject({ status: 1, message: expect.stringContaining('voice not found') });
  });

  it('kills a process that does not finish within its timeout', async () => {
    const started = Date.now();
    await expect(synthesizer(300).synthesize(request('HANG'))).rejects.toThrow('did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails cleanly when the command does not exist, and the speech falls back to the catalogue clip', async () => {
    const missing = new EspeakSynthesizer({ ...ESPEAK_DEFAULTS, command: join(dir, 'no-such-espeak'), timeoutMs: 1000 });
    await expect(missing.synthesize(request('سلام'))).rejects.toThrow('could not start');
    const speech = new CatalogueSpeech({
      audioBaseUrl: 'https://a.example',
      persianTts: new SynthesizedAudioCache(missing, new LocalFolderAudioStore(join(dir, 'audio')), {
        voice: 'fa',
        engine: 'espeak-ng',
        format: 'wav',
        sampleRate: '8000',
      }),
      logger: { warn: () => undefined },
    });
    expect(await speech.render([{ prompt: 'goodbye' }], { language: 'fa', prompts: { goodbye: { text: 'بدرود' } } })).toEqual([
      { kind: 'play', url: 'https://a.example/clips/fa/prompt-goodbye.wav', transcript: 'از تماس شما سپاسگزاریم. خدانگهدار.' },
    ]);
  });
});
