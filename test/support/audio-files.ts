/** Small, real audio files built in memory for upload tests. */

/** A mu-law (or PCM 16-bit) mono WAV of the given length filled with a quiet tone. */
export function wavFile(seconds: number, options: { sampleRate?: number; format?: 1 | 3 | 7 } = {}): Uint8Array {
  const sampleRate = options.sampleRate ?? 8000;
  const format = options.format ?? 7;
  const bytesPerSample = format === 7 ? 1 : format === 3 ? 4 : 2;
  const dataSize = Math.round(seconds * sampleRate) * bytesPerSample;
  const buffer = Buffer.alloc(44 + dataSize, 0x55);
  buffer.write('RIFF', 0, 'latin1');
  buffer.writeUInt32LE(36 + dataSize, 4);
  buffer.write('WAVEfmt ', 8, 'latin1');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(format, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * bytesPerSample, 28);
  buffer.writeUInt16LE(bytesPerSample, 32);
  buffer.writeUInt16LE(bytesPerSample * 8, 34);
  buffer.write('data', 36, 'latin1');
  buffer.writeUInt32LE(dataSize, 40);
  return new Uint8Array(buffer);
}

/** An MP3 of MPEG-1 layer III frames (128 kbit/s, 44.1 kHz), optionally behind an ID3v2 tag. */
export function mp3File(seconds: number, options: { id3?: boolean } = {}): Uint8Array {
  const frames = Math.ceil((seconds * 44100) / 1152);
  const frameLength = Math.floor((144 * 128000) / 44100); // 417 bytes, no padding
  const frame = Buffer.alloc(frameLength, 0);
  frame.set([0xff, 0xfb, 0x90, 0xc0]); // sync, MPEG-1 layer III, 128 kbit/s, 44.1 kHz, mono
  const tag = options.id3 ? Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10)]) : Buffer.alloc(0);
  return new Uint8Array(Buffer.concat([tag, ...Array.from({ length: frames }, () => frame)]));
}
