/**
 * Telephone audio as plain bytes: 8 kHz mono mu-law WAV (what the phone network carries and
 * Twilio plays without resampling). Reads any PCM / mu-law / A-law WAV, measures and evens out
 * loudness, fades edges and joins pieces with a pause. Pure functions, no dependencies, so the
 * voice function can join a sentence in a few milliseconds.
 *
 * Loudness is the RMS of active speech in dBFS (a full-scale square wave is 0 dBFS, the scale of
 * sox's "RMS lev dB"): the power of the 20 ms frames within 30 dB of the loudest frame, so
 * pauses and fades do not lower a word's level.
 */

export const TELEPHONE_RATE = 8000;

/** How pieces are evened out and joined. */
export interface AudioFinish {
  /** Target loudness of active speech, RMS dBFS. */
  readonly targetDb: number;
  /** Silence between joined pieces. */
  readonly pauseMs: number;
  /** Fade in and out at every piece's edges, so no join clicks. */
  readonly fadeMs: number;
}

export const DEFAULT_FINISH: AudioFinish = { targetDb: -20, pauseMs: 40, fadeMs: 4 };

export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';
}

// G.711 mu-law expansion table (16-bit linear).
const MULAW = new Int16Array(256);
for (let i = 0; i < 256; i += 1) {
  const u = ~i & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  MULAW[i] = u & 0x80 ? 0x84 - t : t - 0x84;
}

function alaw(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let t = ((a & 0x0f) << 4) + (segment === 0 ? 8 : 0x108);
  if (segment > 1) t <<= segment - 1;
  return a & 0x80 ? t : -t;
}

/** One linear sample (−1…1) to a mu-law byte. */
function mulaw(sample: number): number {
  let s = Math.round(Math.max(-1, Math.min(1, sample)) * 32767);
  const sign = s < 0 ? 0x80 : 0;
  s = Math.min(sign ? -s : s, 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}

interface WavParts {
  readonly format: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bits: number;
  readonly data: Uint8Array;
}

/**
 * Walks the RIFF chunks (no fixed header size: writers differ, Azure's `riff-*` among them).
 * A data chunk longer than the file (a streamed WAV, e.g. `espeak-ng --stdout`) is read to the end.
 */
function parseWav(bytes: Uint8Array): WavParts {
  const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') throw new AudioDecodeError('not a WAV file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Omit<WavParts, 'data'> | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (text(at) === 'fmt ' && body + 16 <= bytes.length) {
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format === 0xfffe && size >= 40 && body + 26 <= bytes.length) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (text(at) === 'data') {
      if (!fmt) break;
      return { ...fmt, data: bytes.subarray(body, Math.min(bytes.length, body + size)) };
    }
    at = body + size + (size % 2);
  }
  throw new AudioDecodeError('WAV has no fmt or data chunk');
}

/** Linear samples (−1…1) of a WAV file, mixed to mono and resampled to 8 kHz. */
export function decodeWav(bytes: Uint8Array): Float32Array {
  const { format, channels, sampleRate, bits, data } = parseWav(bytes);
  const width = format === 6 || format === 7 ? 1 : bits / 8;
  if (channels < 1 || sampleRate < 1000 || ![1, 2, 3, 4].includes(width) || ![1, 3, 6, 7].includes(format) || (format === 3 && width !== 4)) {
    throw new AudioDecodeError(`unsupported WAV encoding ${format}/${bits} bit`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const frames = Math.floor(data.length / (width * channels));
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) {
    let sum = 0;
    for (let c = 0; c < channels; c += 1) {
      const at = (i * channels + c) * width;
      if (format === 7) sum += (MULAW[data[at] ?? 0xff] ?? 0) / 32768;
      else if (format === 6) sum += alaw(data[at] ?? 0xd5) / 32768;
      else if (format === 3) sum += view.getFloat32(at, true);
      else if (width === 1) sum += ((data[at] ?? 128) - 128) / 128;
      else if (width === 2) sum += view.getInt16(at, true) / 32768;
      else if (width === 3) sum += ((view.getInt8(at + 2) << 16) | (view.getUint16(at, true) & 0xffff)) / 8388608;
      else sum += view.getInt32(at, true) / 2147483648;
    }
    out[i] = sum / channels;
  }
  return resample(out, sampleRate, TELEPHONE_RATE);
}

/** Band-limited resampling (Hann-windowed sinc from a precomputed table), enough for speech on a phone line. */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return input;
  const ratio = to / from;
  const cutoff = Math.min(1, ratio) * 0.9;
  const half = Math.ceil(8 / cutoff);
  const steps = 64; // table entries per input sample
  const kernel = new Float32Array(half * steps + 2);
  for (let i = 0; i < kernel.length; i += 1) {
    const d = i / steps;
    const x = Math.PI * cutoff * d;
    kernel[i] = d > half ? 0 : cutoff * (x === 0 ? 1 : Math.sin(x) / x) * (0.5 + 0.5 * Math.cos((Math.PI * d) / half));
  }
  const out = new Float32Array(Math.floor(input.length * ratio));
  for (let m = 0; m < out.length; m += 1) {
    const centre = m / ratio;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(input.length - 1, Math.floor(centre + half));
    let acc = 0;
    for (let k = first; k <= last; k += 1) {
      const at = Math.abs(k - centre) * steps;
      const i = Math.floor(at);
      const a = kernel[i] ?? 0;
      acc += (input[k] ?? 0) * (a + ((kernel[i + 1] ?? 0) - a) * (at - i));
    }
    out[m] = acc;
  }
  return out;
}

const FRAME = 160; // 20 ms at 8 kHz

/** Loudness of active speech, RMS dBFS (see the file comment); −Infinity for silence. */
export function speechLevel(samples: Float32Array): number {
  const powers: number[] = [];
  for (let at = 0; at < samples.length; at += FRAME) {
    const end = Math.min(samples.length, at + FRAME);
    let sum = 0;
    for (let i = at; i < end; i += 1) sum += (samples[i] ?? 0) ** 2;
    powers.push(sum / (end - at));
  }
  const gate = Math.max(...powers, 0) / 1000; // 30 dB below the loudest frame
  const active = powers.filter((p) => p > 0 && p >= gate);
  if (active.length === 0) return -Infinity;
  return 10 * Math.log10((active.reduce((a, b) => a + b, 0) / active.length) * 2); // ×2: square-wave scale
}

/**
 * Brings active speech to the target level. Peaks the gain would push past −1 dBFS are bent
 * back smoothly (a soft limiter) rather than clipped.
 */
export function normaliseLoudness(samples: Float32Array, targetDb: number): Float32Array {
  const level = speechLevel(samples);
  if (!Number.isFinite(level)) return samples;
  const knee = 0.6;
  const ceiling = 0.89;
  const apply = (gain: number) =>
    samples.map((s) => {
      const x = Math.abs(s * gain);
      return Math.sign(s) * (x <= knee ? x : knee + (ceiling - knee) * Math.tanh((x - knee) / (ceiling - knee)));
    });
  // The limiter lowers the level a little where it bends peaks: measure once more and make up for it.
  const gain = 10 ** ((targetDb - level) / 20);
  const first = apply(gain);
  return apply(gain * 10 ** ((targetDb - speechLevel(first)) / 20));
}

/** Drops leading and trailing near-silence (below −50 dBFS), keeping `keepMs` of it. */
export function trimSilence(samples: Float32Array, keepMs = 10): Float32Array {
  const threshold = 10 ** (-50 / 20);
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start] ?? 0) < threshold) start += 1;
  while (end > start && Math.abs(samples[end - 1] ?? 0) < threshold) end -= 1;
  const keep = Math.round((keepMs * TELEPHONE_RATE) / 1000);
  return samples.subarray(Math.max(0, start - keep), Math.min(samples.length, end + keep));
}

/** Raised-cosine fade in and out over `ms` at both edges (a copy). */
export function fadeEdges(samples: Float32Array, ms: number): Float32Array {
  const out = Float32Array.from(samples);
  const n = Math.min(Math.round((ms * TELEPHONE_RATE) / 1000), Math.floor(out.length / 2));
  for (let i = 0; i < n; i += 1) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / n);
    out[i] = (out[i] ?? 0) * g;
    out[out.length - 1 - i] = (out[out.length - 1 - i] ?? 0) * g;
  }
  return out;
}

/** 8 kHz mono mu-law WAV in the layout sox writes (18-byte fmt, fact chunk). */
export function encodeMulawWav(samples: Float32Array): Uint8Array {
  const n = samples.length;
  const bytes = new Uint8Array(58 + n + (n % 2));
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < 4; i += 1) bytes[at + i] = value.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 18, true);
  view.setUint16(20, 7, true); // WAVE_FORMAT_MULAW
  view.setUint16(22, 1, true);
  view.setUint32(24, TELEPHONE_RATE, true);
  view.setUint32(28, TELEPHONE_RATE, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  view.setUint16(36, 0, true);
  text(38, 'fact');
  view.setUint32(42, 4, true);
  view.setUint32(46, n, true);
  text(50, 'data');
  view.setUint32(54, n, true);
  for (let i = 0; i < n; i += 1) bytes[58 + i] = mulaw(samples[i] ?? 0);
  return bytes;
}

/** One piece made telephone-ready: trimmed, at the target loudness, edges faded. */
export function finishPiece(samples: Float32Array, finish: AudioFinish): Float32Array {
  return fadeEdges(normaliseLoudness(trimSilence(samples), finish.targetDb), finish.fadeMs);
}

/** Any WAV → 8 kHz mono mu-law WAV at the target loudness, edges trimmed and faded. */
export function finishWav(bytes: Uint8Array, finish: AudioFinish = DEFAULT_FINISH): Uint8Array {
  return encodeMulawWav(finishPiece(decodeWav(bytes), finish));
}

/**
 * Joins WAV pieces into one 8 kHz mu-law WAV: each piece trimmed, evened to the target
 * loudness and faded, with `pauseMs` of silence between pieces. Returns where each piece
 * starts and ends (samples) so a test can measure every word in the joined file.
 */
export function joinWavs(pieces: readonly Uint8Array[], finish: AudioFinish = DEFAULT_FINISH): { wav: Uint8Array; spans: Array<[number, number]> } {
  const finished = pieces.map((bytes) => finishPiece(decodeWav(bytes), finish));
  const pause = Math.round((finish.pauseMs * TELEPHONE_RATE) / 1000);
  const total = finished.reduce((sum, piece) => sum + piece.length, 0) + pause * Math.max(0, finished.length - 1);
  const out = new Float32Array(total);
  const spans: Array<[number, number]> = [];
  let at = 0;
  finished.forEach((piece, i) => {
    if (i > 0) at += pause;
    out.set(piece, at);
    spans.push([at, at + piece.length]);
    at += piece.length;
  });
  return { wav: encodeMulawWav(out), spans };
}
