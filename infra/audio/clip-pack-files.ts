/**
 * The committed Persian clip pack on disk (`infra/audio/clips/fa/`): one 8 kHz mono mu-law WAV
 * per key, at the product's loudness target, and `manifest.json` (key → exact transcript, key →
 * sha256 of the file). The voice function names joined sentences by those hashes, so replacing a
 * clip changes every sentence it is in.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClipManifest } from '../../lib/speech/clip-pack';

export const CLIP_DIR = resolve(__dirname, 'clips', 'fa');
export const CLIP_FORMAT = 'wav, 8000 Hz, mono, mu-law';

export function readManifest(dir = CLIP_DIR): ClipManifest | undefined {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClipManifest) : undefined;
}

/** Writes manifest.json for `texts` (hashing every clip file) and removes clips no key names. */
export function writeManifest(texts: Record<string, string>, dir = CLIP_DIR, source?: string): ClipManifest {
  const hashes: Record<string, string> = {};
  for (const key of Object.keys(texts))
    hashes[key] = createHash('sha256')
      .update(readFileSync(join(dir, `${key}.wav`)))
      .digest('hex');
  const previous = readManifest(dir);
  const manifest: ClipManifest = {
    language: 'fa',
    format: CLIP_FORMAT,
    ...((source ?? previous?.source) ? { source: source ?? previous?.source } : {}),
    clips: texts,
    hashes,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const key of Object.keys(previous?.clips ?? {})) if (!(key in texts)) rmSync(join(dir, `${key}.wav`), { force: true });
  return manifest;
}
