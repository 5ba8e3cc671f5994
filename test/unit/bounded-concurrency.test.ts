import { forEachBounded } from '../../lib/ledger/bounded-concurrency';

describe('work with bounded concurrency (password hashing, summary refreshes)', () => {
  it('never runs more than the limit at once, and runs every item', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachBounded(
      Array.from({ length: 25 }, (_, i) => i),
      3,
      async (i) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 2 + (i % 4)));
        done.push(i);
        running -= 1;
      },
    );
    expect(most).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('stops taking work after a failure and rethrows it once the others have stopped', async () => {
    const started: number[] = [];
    let running = 0;
    await expect(
      forEachBounded([1, 2, 3, 4, 5, 6, 7, 8], 2, async (i) => {
        started.push(i);
        running += 1;
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        if (i === 2) throw new Error('storage failed');
      }),
    ).rejects.toThrow('storage failed');
    expect(running).toBe(0);
    expect(started.length).toBeLessThan(8);
  });
});
