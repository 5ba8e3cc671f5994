/**
 * The text of every played clip, so a transcript reads what the caller heard rather than
 * a list of audio URLs: the stack's `/audio/manifest.json` names each clip's transcript,
 * and synthesized or uploaded audio carries its text in the URL's `t` parameter (which S3
 * and the local audio server ignore).
 */
import type { FetchLike } from './request-signer';

export type ClipTranscripts = Record<string, string>;

export interface ManifestSource {
  baseUrl: string;
  fetchImpl: FetchLike;
  timeoutMs: number;
}

/** The transcript of a Play URL; the manifest is fetched on the first Play only, once per call. */
export function playTranscriber(source: ManifestSource): (url: string) => Promise<string> {
  let clips: Promise<ClipTranscripts> | undefined;
  return async (url) => {
    clips ??= readClipTranscripts(source);
    return playTranscript(url, await clips);
  };
}

/** The manifest's `clips`; none when the stack has no manifest (a Play then shows `t` or its URL). */
export async function readClipTranscripts(source: ManifestSource): Promise<ClipTranscripts> {
  try {
    const res = await source.fetchImpl(`${source.baseUrl}/audio/manifest.json`, {
      signal: AbortSignal.timeout(source.timeoutMs),
    });
    if (!res.ok) return {};
    return stringEntries(clipsOf(await res.json()));
  } catch {
    return {};
  }
}

function clipsOf(json: unknown): unknown {
  return json && typeof json === 'object' ? (json as { clips?: unknown }).clips : undefined;
}

function stringEntries(clips: unknown): ClipTranscripts {
  const out: ClipTranscripts = {};
  if (!clips || typeof clips !== 'object') return out;
  for (const [k, v] of Object.entries(clips as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * The transcript text for a Play URL: manifest clip text when the last path
 * segment is `<key>.<ext>` with a known key, else the `t` query parameter,
 * else the URL itself.
 */
export function playTranscript(url: string, clips: ClipTranscripts): string {
  const parsed = parseUrl(url);
  const key = clipKey(parsed ? parsed.pathname : (url.split(/[?#]/, 1)[0] ?? ''));
  if (key !== undefined && Object.prototype.hasOwnProperty.call(clips, key)) {
    const text = clips[key];
    if (typeof text === 'string') return text;
  }
  return parsed?.searchParams.get('t') || url;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `<key>` of a path ending in `<key>.<ext>`; undefined when the last segment has no extension. */
function clipKey(path: string): string | undefined {
  const last = path.split('/').pop() ?? '';
  let segment = last;
  try {
    segment = decodeURIComponent(last);
  } catch {
    /* keep raw */
  }
  const dot = segment.lastIndexOf('.');
  return dot > 0 ? segment.slice(0, dot) : undefined;
}
