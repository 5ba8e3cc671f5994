import { AudioFormatError, inspectAudio } from '../../lib/speech/audio-inspection';
import { mp3File, wavFile } from '../support/audio-files';

const reasonOf = (bytes: Uint8Array) => {
  try {
    inspectAudio(bytes);
    return 'accepted';
  } catch (error) {
    return error instanceof AudioFormatError ? error.reason : 'other';
  }
};

describe('inspectAudio', () => {
  it('measures a mu-law WAV', () => {
    expect(inspectAudio(wavFile(2.5))).toEqual({
      container: 'wav',
      contentType: 'audio/wav',
      sampleRate: 8000,
      channels: 1,
      durationSeconds: 2.5,
      wavFormat: 7,
      bitsPerSample: 8,
    });
  });

  it('measures a 16-bit PCM WAV', () => {
    expect(inspectAudio(wavFile(1, { sampleRate: 16000, format: 1 })).durationSeconds).toBe(1);
  });

  it('measures an MP3 with and without an ID3 tag', () => {
    for (const bytes of [mp3File(3), mp3File(3, { id3: true })]) {
      const info = inspectAudio(bytes);
      expect(info).toMatchObject({ container: 'mp3', contentType: 'audio/mpeg', sampleRate: 44100, channels: 1 });
      expect(info.durationSeconds).toBeCloseTo(3, 1);
    }
  });

  it('refuses what is not WAV or MP3 as an unsupported type', () => {
    expect(reasonOf(new Uint8Array(Buffer.from('%PDF-1.7 hello')))).toBe('unsupported-type');
    expect(reasonOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('unsupported-type');
    expect(reasonOf(wavFile(1, { format: 3 }))).toBe('unsupported-type');
  });

  it('refuses a truncated WAV or a broken MP3 stream as corrupt', () => {
    expect(reasonOf(wavFile(2).subarray(0, 1000))).toBe('corrupt');
    expect(reasonOf(wavFile(1).subarray(0, 30))).toBe('corrupt');
    const broken = mp3File(2);
    broken.fill(0x11, 2000);
    expect(reasonOf(broken)).toBe('corrupt');
    expect(reasonOf(new Uint8Array(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x0a' + 'x'.repeat(500), 'latin1')))).toBe('corrupt');
  });
});
