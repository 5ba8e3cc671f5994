/**
 * One recording per sentence: the pieces a sentence is made of (clips, synthesized text,
 * uploaded recordings) are joined into one 8 kHz mu-law WAV, stored under the hash of what
 * went into it (`joined/<sha256>.wav`, transcript beside it as `joined/<sha256>.json`), so a
 * caller hears one even, uninterrupted file and Twilio fetches one URL. A sentence already
 * joined by any container is never joined again; a warm container skips even the lookup.
 */
import { createHash } from 'node:crypto';
import type { AudioStore } from './audio-store';
import { putTranscript } from './synthesized-audio-cache';
import { joinWavs, type AudioFinish } from './telephone-audio';

/** A stored piece of audio: `clips/<lang>/<key>.wav`, `tts/…` or `uploads/…`, and the words it says. */
export interface AudioPiece {
  readonly key: string;
  readonly transcript: string;
}

/** Reads the clip packs: keys `<lang>/<key>.wav` and `<lang>/manifest.json`. */
export type ClipReader = Pick<AudioStore, 'get'>;

const RECENT_LIMIT = 64;

export class SentenceJoiner {
  private readonly known = new Set<string>();
  private readonly clipBytes = new Map<string, Promise<Uint8Array>>();
  /** Stored pieces read or just written, newest last (bounded). */
  private readonly recent = new Map<string, Uint8Array>();
  private readonly hashes = new Map<string, Promise<Readonly<Record<string, string>>>>();
  /** Sentences this instance joined, and the milliseconds spent joining them (for the bench). */
  joinCount = 0;
  joinMs = 0;

  constructor(
    private readonly store: AudioStore,
    private readonly clips: ClipReader,
    readonly finish: AudioFinish,
  ) {}

  /** Audio this container just stored (a synthesized sentence): kept so a join need not read it back. */
  remember(key: string, bytes: Uint8Array): void {
    this.recent.delete(key);
    this.recent.set(key, bytes);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** The stored key of the joined sentence, joining and storing it on a miss. Throws when a piece or the store fails. */
  async keyFor(pieces: readonly AudioPiece[]): Promise<string> {
    const identities = await Promise.all(pieces.map((piece) => this.identity(piece.key)));
    const digest = createHash('sha256')
      .update(JSON.stringify(['join-1', this.finish, identities]))
      .digest('hex');
    const key = `joined/${digest}.wav`;
    if (this.known.has(key)) return key;
    if (!(await this.store.exists(key))) {
      const bytes = await Promise.all(pieces.map((piece) => this.bytes(piece.key)));
      const started = performance.now();
      const { wav } = joinWavs(bytes, this.finish);
      this.joinMs += performance.now() - started;
      this.joinCount += 1;
      const transcript = pieces.map((p) => p.transcript).join(' ');
      await Promise.all([this.store.put(key, wav, 'audio/wav'), putTranscript(this.store, key, transcript, { pieces: pieces.map((p) => p.key) })]);
    }
    this.known.add(key);
    return key;
  }

  /** Stored audio is named by content; a clip by its key and the hash the pack's manifest gives it. */
  private async identity(key: string): Promise<string> {
    const clip = /^clips\/([^/]+)\/(.+)\.wav$/.exec(key);
    if (!clip) return key;
    const [, language = '', name = ''] = clip;
    const hash =
      (await this.manifestHashes(language))[name] ??
      createHash('sha256')
        .update(await this.bytes(key))
        .digest('hex');
    return `${key}#${hash}`;
  }

  private manifestHashes(language: string): Promise<Readonly<Record<string, string>>> {
    let hashes = this.hashes.get(language);
    if (!hashes) {
      hashes = this.clips
        .get(`${language}/manifest.json`)
        .then((bytes) => (bytes ? ((JSON.parse(new TextDecoder().decode(bytes)) as { hashes?: Record<string, string> }).hashes ?? {}) : {}));
      hashes.catch(() => this.hashes.delete(language));
      this.hashes.set(language, hashes);
    }
    return hashes;
  }

  private async bytes(key: string): Promise<Uint8Array> {
    if (key.startsWith('clips/')) {
      let clip = this.clipBytes.get(key);
      if (!clip) {
        clip = this.clips.get(key.slice('clips/'.length)).then((bytes) => {
          if (!bytes) throw new Error(`no clip ${key}`);
          return bytes;
        });
        clip.catch(() => this.clipBytes.delete(key));
        this.clipBytes.set(key, clip);
      }
      return clip;
    }
    const kept = this.recent.get(key);
    if (kept) return kept;
    const bytes = await this.store.get(key);
    if (!bytes) throw new Error(`no stored audio ${key}`);
    this.remember(key, bytes);
    return bytes;
  }
}
