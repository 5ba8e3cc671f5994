/** The committed Persian clip pack: complete for every amount and prompt, and playable by Twilio. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROMPT_KEYS } from '../../lib/config/module-schema';
import { persianAmountTokens, persianAmountWords } from '../../lib/domain/amount-words';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { persianClipTexts, type ClipManifest } from '../../lib/speech/clip-pack';
import { decodeWav, DEFAULT_FINISH, speechLevel } from '../../lib/speech/telephone-audio';
import { clipScriptCsv } from '../../infra/audio/clip-script';
import { importClips } from '../../infra/audio/import-clips';
import { voiceLikeWav } from '../support/audio-files';
import { PROMPT_CATALOGUE } from '../../lib/speech/prompt-catalogue';

const CLIP_DIR = resolve(__dirname, '../../infra/audio/clips/fa');
const manifest = JSON.parse(readFileSync(join(CLIP_DIR, 'manifest.json'), 'utf8')) as ClipManifest;
const keys = new Set(Object.keys(manifest.clips));

describe('the Persian clip pack manifest', () => {
  it('covers every token the composer emits for any amount up to 10^15', () => {
    // Tokens depend only on each three-digit group's value and its scale, so every group value
    // at every scale position (plus the bounds) reaches every token any amount can produce.
    const missing = new Set<string>();
    const check = (n: bigint) => {
      for (const t of persianAmountTokens(n)) if (!keys.has(t)) missing.add(t);
    };
    for (let scale = 0n; scale <= 5n; scale += 1n) {
      for (let g = 0n; g < 1000n; g += 1n) {
        const n = g * 1000n ** scale;
        if (n <= 10n ** 15n) check(n);
        if (n + 1n <= 10n ** 15n) check(n + 1n);
      }
    }
    check(10n ** 15n);
    check(10n ** 15n - 1n);
    expect([...missing]).toEqual([]);
  });

  it('reads an amount as the same Persian sentence as the composer writes it', () => {
    const spoken = persianAmountTokens(1_250_000)
      .map((t) => manifest.clips[t])
      .join(' ');
    expect(spoken).toBe(persianAmountWords(1_250_000));
    expect(spoken).toBe('یک میلیون و دویست و پنجاه هزار');
  });

  it('has both currency units and every catalogue prompt with its exact catalogue text', () => {
    expect(manifest.clips['unit-rial']).toBe('ریال');
    expect(manifest.clips['unit-toman']).toBe('تومان');
    for (const key of PROMPT_KEYS) expect(manifest.clips[`prompt-${key}`]).toBe(PROMPT_CATALOGUE.fa[key]);
  });

  it('is exactly the pack the code expects, no key missing or extra', () => {
    expect(manifest.clips).toEqual(persianClipTexts());
  });

  it('has a valid 8 kHz mono mu-law WAV for every key and no stray audio file', () => {
    for (const key of keys) {
      const file = join(CLIP_DIR, `${key}.wav`);
      expect(existsSync(file)).toBe(true);
      const info = inspectAudio(readFileSync(file));
      expect({ key, container: info.container, sampleRate: info.sampleRate, channels: info.channels, wavFormat: info.wavFormat }).toEqual({
        key,
        container: 'wav',
        sampleRate: 8000,
        channels: 1,
        wavFormat: 7,
      });
      expect(info.durationSeconds).toBeGreaterThan(0.1);
      expect(info.durationSeconds).toBeLessThan(15);
    }
    const files = readdirSync(CLIP_DIR).filter((f) => f !== 'manifest.json');
    expect(files.sort()).toEqual([...keys].map((k) => `${k}.wav`).sort());
  });

  it('keeps the committed pack small', () => {
    const total = readdirSync(CLIP_DIR).reduce((sum, f) => sum + readFileSync(join(CLIP_DIR, f)).length, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });

  it('names every file by its sha256 in the manifest, so joined sentences change when a clip does', () => {
    for (const key of keys)
      expect(manifest.hashes?.[key]).toBe(
        createHash('sha256')
          .update(readFileSync(join(CLIP_DIR, `${key}.wav`)))
          .digest('hex'),
      );
  });

  it('has every clip at the loudness target: active speech within 0.5 dB of it, so neighbouring words differ by at most 1 dB', () => {
    const levels = [...keys].map((key) => ({ key, level: speechLevel(decodeWav(readFileSync(join(CLIP_DIR, `${key}.wav`)))) }));
    for (const { key, level } of levels) expect({ key, off: Math.abs(level - DEFAULT_FINISH.targetDb) <= 0.5 }).toEqual({ key, off: true });
    const spread = Math.max(...levels.map((l) => l.level)) - Math.min(...levels.map((l) => l.level));
    expect(spread).toBeLessThanOrEqual(1);
  });

  it('starts and ends every clip at silence (faded), so no join clicks', () => {
    for (const key of keys) {
      const samples = decodeWav(readFileSync(join(CLIP_DIR, `${key}.wav`)));
      const edge = [...samples.subarray(0, 8), ...samples.subarray(samples.length - 8)].map(Math.abs);
      expect({ key, loudEdge: Math.max(...edge) > 0.02 }).toEqual({ key, loudEdge: false });
    }
  });
});

describe('a professional pack', () => {
  it('has a script for the voice artist: every key, its exact text and its use', () => {
    const lines = clipScriptCsv()
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('key,text,use,file');
    expect(lines).toHaveLength(keys.size + 1);
    expect(lines).toContain('num-200,دویست,"number word inside amounts, said on its own (joined with the others into one sentence)",num-200.wav');
    expect(lines.find((l) => l.startsWith('prompt-intro,'))).toContain(PROMPT_CATALOGUE.fa.intro);
  });

  it('replaces the pack in one step from a folder of <key>.wav recordings, normalised on the way in, manifest kept true', () => {
    const work = mkdtempSync(join(tmpdir(), 'clips-import-'));
    try {
      const pack = join(work, 'pack');
      const recordings = join(work, 'recordings');
      cpSync(CLIP_DIR, pack, { recursive: true });
      cpSync(CLIP_DIR, recordings, { recursive: true }); // stands for the studio's files
      rmSync(join(recordings, 'manifest.json'));
      // The studio delivers 16-bit PCM at 44.1 kHz, at whatever level each take had.
      writeFileSync(join(recordings, 'num-1.wav'), voiceLikeWav(0.5, { sampleRate: 44100, encoding: 'pcm16', levelDb: -8, silenceMs: 300 }));
      writeFileSync(join(recordings, 'notes.txt'), 'session notes');
      rmSync(join(recordings, 'num-2.wav'));
      expect(() => importClips(recordings, pack)).toThrow('missing recordings (1): num-2.wav');
      writeFileSync(join(recordings, 'num-2.wav'), voiceLikeWav(0.4, { encoding: 'pcm16', levelDb: -30 }));
      expect(importClips(recordings, pack)).toEqual({ imported: keys.size, ignored: ['notes.txt'] });
      const imported = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as ClipManifest;
      expect(imported.clips).toEqual(persianClipTexts());
      expect(imported.source).toBe('recordings');
      for (const key of ['num-1', 'num-2']) {
        const bytes = readFileSync(join(pack, `${key}.wav`));
        expect(inspectAudio(bytes)).toMatchObject({ sampleRate: 8000, channels: 1, wavFormat: 7 });
        expect(Math.abs(speechLevel(decodeWav(bytes)) - DEFAULT_FINISH.targetDb)).toBeLessThan(0.5);
        expect(imported.hashes?.[key]).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
