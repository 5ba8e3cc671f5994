/** Port: stored audio objects (adapters: s3-audio-store.ts, local-folder-audio-store.ts). */

/**
 * Audio objects the product stores and Twilio fetches: cached synthesized speech (`tts/…`) and
 * uploaded recordings (`uploads/…`). Names are content hashes, so an object never changes.
 */
export interface AudioStore {
  exists(key: string): Promise<boolean>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Default cache policy: immutable for a year (content-hash names). */
  put(key: string, bytes: Uint8Array, contentType: string, options?: { readonly cacheControl?: string }): Promise<void>;
}
