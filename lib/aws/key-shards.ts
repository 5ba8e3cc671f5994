/**
 * Spreading a hot key over partitions: a key that every call or every imported row would
 * write (the SMS outbox, the operator list) gets a shard suffix from a stable hash of
 * something the row already has, so writes spread evenly and a reader knows every shard.
 */

/** FNV-1a: a stable, well-spread 32-bit hash (not for security). */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Which of `shards` partitions `text` belongs to (0 … shards − 1). */
export function shardOf(text: string, shards: number): number {
  return stableHash(text) % shards;
}
