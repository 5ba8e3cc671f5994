/** Captures what the process writes to stdout/stderr (Powertools logs, EMF metrics) while `run` runs. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  try {
    const result = await run();
    return {
      result,
      lines: chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== ''),
    };
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
  }
}
