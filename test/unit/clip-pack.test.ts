/** The committed Persian clip pack: complete for every amount and prompt, and playable by Twilio. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROMPT_KEYS } from '../../lib/config/module-schema';
import { persianAmountTokens, persianAmountWords } from '../../lib/domain/amount-words';
import { inspectAudio } from '../../lib/speech/audio-inspection';
import { persianClipTexts, type ClipManifest } from '../../lib/speech/clip-pack';
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
    const spoken = persianAmountTokens(1_250_000).map((t) => manifest.clips[t]).join(' ');
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
});
