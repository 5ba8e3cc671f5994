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

/**
 * A speech-like signal (a 140 Hz voice with harmonics, in syllables of ~0.2 s) as a mono WAV,
 * at the given active-speech level, with optional silence around it: for loudness and join tests.
 */
export function voiceLikeWav(
  seconds: number,
  options: { levelDb?: number; sampleRate?: number; encoding?: 'mulaw' | 'pcm16'; silenceMs?: number; pitchHz?: number } = {},
): Uint8Array {
  const rate = options.sampleRate ?? 8000;
  const pad = Math.round(((options.silenceMs ?? 0) * rate) / 1000);
  const n = Math.round(seconds * rate);
  const pitch = options.pitchHz ?? 140;
  const samples = new Float32Array(n + 2 * pad);
  for (let i = 0; i < n; i += 1) {
    const t = i / rate;
    const syllable = Math.sin((Math.PI * t) / 0.2) ** 2;
    let v = 0;
    for (let h = 1; h <= 12; h += 1) v += Math.sin(2 * Math.PI * pitch * h * t) / h;
    samples[pad + i] = v * syllable;
  }
  // Scale so the loudest 20 ms frames sit at the level asked for (square-wave dBFS).
  let max = 0;
  const frame = Math.round(rate / 50);
  for (let at = 0; at + frame <= samples.length; at += frame) {
    let sum = 0;
    for (let i = at; i < at + frame; i += 1) sum += (samples[i] ?? 0) ** 2;
    max = Math.max(max, sum / frame);
  }
  const gain = 10 ** ((options.levelDb ?? -18) / 20) / Math.sqrt(max * 2) / 1.25;
  const encoding = options.encoding ?? 'mulaw';
  const width = encoding === 'mulaw' ? 1 : 2;
  const data = Buffer.alloc(samples.length * width);
  samples.forEach((s, i) => {
    const v = Math.max(-1, Math.min(1, s * gain));
    if (encoding === 'pcm16') data.writeInt16LE(Math.round(v * 32767), i * 2);
    else data[i] = linearToMulaw(v);
  });
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(encoding === 'mulaw' ? 7 : 1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * width, 28);
  header.writeUInt16LE(width, 32);
  header.writeUInt16LE(width * 8, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return new Uint8Array(Buffer.concat([header, data]));
}

/** G.711 mu-law, written out here so the tests do not check the product's encoder with itself. */
function linearToMulaw(v: number): number {
  let s = Math.round(v * 32767);
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s = Math.min(s, 32635) + 0x84;
  let exponent = 7;
  while (exponent > 0 && (s & (0x4000 >> (7 - exponent))) === 0) exponent -= 1;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}
