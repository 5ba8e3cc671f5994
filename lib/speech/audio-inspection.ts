/**
 * Recognises WAV and MP3 audio by content (magic bytes + header parse), never by file name or
 * declared content type, and measures its duration. Pure, no dependencies: used to validate
 * uploaded recordings and to check the committed clip pack.
 */

export type AudioContainer = 'wav' | 'mp3';

export interface AudioInfo {
  readonly container: AudioContainer;
  /** audio/wav or audio/mpeg: what the file is served as. */
  readonly contentType: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationSeconds: number;
  /** WAV only: 1 PCM, 6 A-law, 7 mu-law, 0xFFFE extensible. */
  readonly wavFormat?: number;
  readonly bitsPerSample?: number;
}

/** Why bytes are not usable audio: not audio at all, or audio whose structure is broken. */
export class AudioFormatError extends Error {
  override readonly name = 'AudioFormatError';
  constructor(
    readonly reason: 'unsupported-type' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

// PCM, A-law, mu-law, extensible: what Twilio plays. Float WAV is refused.
const WAV_FORMATS = new Set([1, 6, 7, 0xfffe]);

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function inspectWav(bytes: Uint8Array): AudioInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(bytes, 8, 4) !== 'WAVE') throw new AudioFormatError('corrupt', 'RIFF file is not WAVE');
  let fmt: { format: number; channels: number; sampleRate: number; byteRate: number; bits: number } | undefined;
  let dataSize: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new AudioFormatError('corrupt', 'WAV fmt chunk is truncated');
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (body + size > bytes.length) throw new AudioFormatError('corrupt', 'WAV data chunk is longer than the file');
      dataSize = size;
      break;
    }
    offset = body + size + (size % 2); // chunks are word aligned
  }
  if (!fmt) throw new AudioFormatError('corrupt', 'WAV has no fmt chunk');
  if (dataSize === undefined) throw new AudioFormatError('corrupt', 'WAV has no data chunk');
  if (!WAV_FORMATS.has(fmt.format)) throw new AudioFormatError('unsupported-type', `WAV encoding ${fmt.format} is not supported`);
  if (fmt.channels < 1 || fmt.channels > 8 || fmt.sampleRate < 1000 || fmt.sampleRate > 384_000 || fmt.byteRate === 0) {
    throw new AudioFormatError('corrupt', 'WAV format header is not plausible');
  }
  return {
    container: 'wav',
    contentType: 'audio/wav',
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    durationSeconds: dataSize / fmt.byteRate,
    wavFormat: fmt.format,
    bitsPerSample: fmt.bits,
  };
}

// MPEG audio layer III tables (kbit/s; Hz), indexed by the header's bit fields.
const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface Mp3Frame {
  readonly length: number;
  readonly samples: number;
  readonly sampleRate: number;
  readonly channels: number;
}

function mp3FrameAt(bytes: Uint8Array, at: number): Mp3Frame | undefined {
  if (at + 4 > bytes.length) return undefined;
  const b1 = bytes[at + 1] ?? 0;
  const b2 = bytes[at + 2] ?? 0;
  const b3 = bytes[at + 3] ?? 0;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 reserved
  const layer = (b1 >> 1) & 3; // 1 = layer III
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrate = ((version === 3 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[bitrateIndex] ?? 0) * 1000;
  const sampleRate = MP3_SAMPLE_RATES[version]?.[rateIndex] ?? 0;
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((version === 3 ? 144 : 72) * bitrate) / sampleRate) + padding;
  return { length, samples: version === 3 ? 1152 : 576, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2 };
}

function inspectMp3(bytes: Uint8Array): AudioInfo {
  let offset = 0;
  if (ascii(bytes, 0, 3) === 'ID3') {
    if (bytes.length < 10) throw new AudioFormatError('corrupt', 'ID3 tag is truncated');
    // ID3v2 size: four 7-bit bytes, plus a 10-byte footer when flagged.
    const size = ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
    offset = 10 + size + (((bytes[5] ?? 0) & 0x10) !== 0 ? 10 : 0);
  }
  const audioStart = offset;
  let frames = 0;
  let samples = 0;
  let first: Mp3Frame | undefined;
  for (let frame = mp3FrameAt(bytes, offset); frame && offset + frame.length <= bytes.length; frame = mp3FrameAt(bytes, offset)) {
    first ??= frame;
    frames += 1;
    samples += frame.samples;
    offset += frame.length;
  }
  if (!first) throw new AudioFormatError(audioStart > 0 ? 'corrupt' : 'unsupported-type', 'no MPEG audio frame found');
  // Trailing tags (ID3v1 "TAG", APE) are allowed; anything larger means a broken stream.
  const rest = bytes.length - offset;
  const tail = ascii(bytes, offset, 8);
  if (rest > 0 && !tail.startsWith('TAG') && !tail.startsWith('APETAGEX') && !tail.startsWith('LYRICS') && rest > 0.1 * (bytes.length - audioStart)) {
    throw new AudioFormatError('corrupt', `MP3 stream breaks after ${frames} frames`);
  }
  return { container: 'mp3', contentType: 'audio/mpeg', sampleRate: first.sampleRate, channels: first.channels, durationSeconds: samples / first.sampleRate };
}

/** Recognises WAV (RIFF/WAVE) or MP3 (ID3 or an MPEG layer III frame) and parses its header. */
export function inspectAudio(bytes: Uint8Array): AudioInfo {
  if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'RIFF') return inspectWav(bytes);
  if (bytes.length >= 3 && (ascii(bytes, 0, 3) === 'ID3' || mp3FrameAt(bytes, 0))) return inspectMp3(bytes);
  throw new AudioFormatError('unsupported-type', 'not a WAV or MP3 file');
}
