/**
 * Deploy-time audio: puts the clip packs where Twilio fetches them (clips/<lang>/<key>.wav) and
 * pre-synthesizes every English catalogue prompt and English text override, so no caller waits
 * for Polly. Idempotent: unchanged clips are not uploaded again, cached prompts not synthesized.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PROMPT_KEYS } from '../../lib/config/module-schema';
import type { ModuleStore } from '../../lib/config/module-store';
import type { AudioStore } from '../../lib/speech/audio-store';
import { speechSettings } from '../../lib/speech/module-prompts';
import { PROMPT_CATALOGUE } from '../../lib/speech/prompt-catalogue';
import type { SynthesizedAudioCache } from '../../lib/speech/synthesized-audio-cache';

/** Clip names are fixed keys a replacement pack reuses, so caches must revalidate daily. */
export const CLIP_CACHE_CONTROL = 'public, max-age=86400';
const TYPES: Record<string, string> = { '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.json': 'application/json' };

export interface PublishReport {
  clipsUploaded: number;
  clipsUnchanged: number;
  promptsSynthesized: number;
}

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

export async function publishAudio(deps: { store: AudioStore; tts: SynthesizedAudioCache; clipsDir: string; modules?: ModuleStore }): Promise<PublishReport> {
  const report: PublishReport = { clipsUploaded: 0, clipsUnchanged: 0, promptsSynthesized: 0 };
  for (const language of await readdir(deps.clipsDir)) {
    for (const file of await readdir(join(deps.clipsDir, language))) {
      const type = TYPES[extname(file).toLowerCase()];
      if (!type) continue;
      const key = `clips/${language}/${file}`;
      const bytes = new Uint8Array(await readFile(join(deps.clipsDir, language, file)));
      if (same(await deps.store.get(key), bytes)) {
        report.clipsUnchanged += 1;
      } else {
        await deps.store.put(key, bytes, type, { cacheControl: CLIP_CACHE_CONTROL });
        report.clipsUploaded += 1;
      }
    }
  }
  const texts = new Set(PROMPT_KEYS.map((k) => PROMPT_CATALOGUE.en[k]));
  for (const module of deps.modules ? await deps.modules.listModules() : []) {
    if (module.language !== 'en') continue;
    for (const prompt of Object.values(speechSettings(module).prompts)) if (prompt?.text && !prompt.audioKey) texts.add(prompt.text);
  }
  for (const text of texts) {
    const before = deps.tts.synthesisCount;
    await deps.tts.audioKeyFor(text);
    report.promptsSynthesized += deps.tts.synthesisCount - before;
  }
  return report;
}
