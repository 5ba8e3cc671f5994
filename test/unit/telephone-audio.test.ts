/** 8 kHz mu-law WAV: decoding any WAV, loudness, joining with pauses and fades, the header Twilio reads. */
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { decodeWav, DEFAULT_FINISH, encodeMulawWav, finishWav, joinWavs, speechLevel, TELEPHONE_RATE } from '../../lib/speech/telephone-audio';
import { voiceLikeWav, wavFile } from '../support/audio-files';

const level = (bytes: Uint8Array) => speechLevel(decodeWav(bytes));

describe('telephone audio', () => {
  it('writes the 58-byte mu-law layout sox writes (fmt 18 bytes, fact chunk) and reads it back', () => {
    const wav = encodeMulawWav(new Float32Array(801));
    const view = Buffer.from(wav);
    expect(view.toString('latin1', 0, 4)).toBe('RIFF');
    expect(view.readUInt32LE(4)).toBe(wav.length - 8);
    expect([
      view.readUInt32LE(16),
      view.readUInt16LE(20),
      view.readUInt16LE(22),
      view.readUInt32LE(24),
      view.readUInt32LE(28),
      view.readUInt16LE(32),
      view.readUInt16LE(34),
    ]).toEqual([18, 7, 1, 8000, 8000, 1, 8]);
    expect(view.toString('latin1', 38, 42)).toBe('fact');
    expect(view.readUInt32LE(46)).toBe(801);
    expect(view.toString('latin1', 50, 54)).toBe('data');
    expect(view.readUInt32LE(54)).toBe(801);
    expect(wav.length).toBe(58 + 801 + 1); // odd data is padded
    expect(wav[58]).toBe(0xff); // mu-law silence
    expect(inspectAudio(wav)).toMatchObject({ sampleRate: 8000, channels: 1, wavFormat: 7, durationSeconds: 801 / 8000 });
  });

  it('decodes 16-bit PCM at 22.05 kHz and stereo to 8 kHz mono of the same length and level', () => {
    const pcm = voiceLikeWav(1, { sampleRate: 22050, encoding: 'pcm16', levelDb: -18 });
    const samples = decodeWav(pcm);
    expect(Math.abs(samples.length - TELEPHONE_RATE)).toBeLessThanOrEqual(1);
    expect(Math.abs(speechLevel(samples) - level(voiceLikeWav(1, { levelDb: -18 })))).toBeLessThan(1);
  });

  it('reads a streamed WAV whose data size is larger than the file (espeak-ng --stdout)', () => {
    const wav = Buffer.from(voiceLikeWav(0.5, { encoding: 'pcm16', sampleRate: 22050 }));
    wav.writeUInt32LE(0x7ffff000, 40);
    expect(decodeWav(new Uint8Array(wav)).length).toBe(4000);
  });

  it('brings quiet and loud speech to the target level within 0.3 dB, without clipping', () => {
    for (const levelDb of [-28, -20, -8]) {
      const finished = finishWav(voiceLikeWav(1, { levelDb }));
      expect(Math.abs(level(finished) - DEFAULT_FINISH.targetDb)).toBeLessThan(0.3);
      expect(Math.max(...decodeWav(finished).map(Math.abs))).toBeLessThan(0.9);
    }
  });

  it('joins pieces with the configured pause, faded edges and every piece at the same level (±1 dB)', () => {
    const pieces = [
      voiceLikeWav(0.4, { levelDb: -10, silenceMs: 80 }),
      voiceLikeWav(0.3, { levelDb: -30 }),
      voiceLikeWav(0.5, { levelDb: -16, silenceMs: 200 }),
    ];
    const { wav, spans } = joinWavs(pieces, { targetDb: -20, pauseMs: 40, fadeMs: 4 });
    const samples = decodeWav(wav);
    const levels = spans.map(([from, to]) => speechLevel(samples.subarray(from, to)));
    for (let i = 1; i < levels.length; i += 1) expect(Math.abs((levels[i] ?? 0) - (levels[i - 1] ?? 0))).toBeLessThanOrEqual(1);
    // The pause between pieces is silence of exactly 40 ms (leading/trailing silence of each piece trimmed to 10 ms).
    for (let i = 1; i < spans.length; i += 1) expect((spans[i]?.[0] ?? 0) - (spans[i - 1]?.[1] ?? 0)).toBe(320);
    // No click: every piece starts and ends at (near) silence.
    for (const [from, to] of spans) {
      expect(Math.abs(samples[from] ?? 1)).toBeLessThan(0.01);
      expect(Math.abs(samples[to - 1] ?? 1)).toBeLessThan(0.01);
    }
    expect(inspectAudio(wav)).toMatchObject({ sampleRate: 8000, wavFormat: 7 });
  });

  it('refuses what is not a WAV it can read', () => {
    expect(() => decodeWav(new Uint8Array([1, 2, 3]))).toThrow('not a WAV file');
    expect(() => decodeWav(wavFile(0.1, { format: 3 }).subarray(0, 30))).toThrow();
  });
});
