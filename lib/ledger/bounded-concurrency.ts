/** Runs `work` over `items` with at most `limit` at a time (scrypt hashing, per-customer writes). */
export async function forEachBounded<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < queue.length && !failure) {
      const item = queue[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        // The first failure stops the others taking more work; it is rethrown once all have stopped.
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
  if (failure) throw failure.error;
}
