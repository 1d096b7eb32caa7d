import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { createDialLimiter, type DialLimiter, type DialLimiterOptions } from '../../../server/telnyx/dial-limiter.ts';

let scheduler: VirtualScheduler;
let start: number;

beforeEach(() => {
  scheduler = new VirtualScheduler();
  start = scheduler.now();
});

/** Ask for `count` slots at once; return each grant's time relative to `start`, by caller. */
async function grantTimes(limiter: DialLimiter, count: number): Promise<number[]> {
  const times: number[] = new Array(count);
  const order: number[] = [];
  const all = Array.from({ length: count }, (_, index) =>
    limiter.acquire().then(() => {
      times[index] = scheduler.now() - start;
      order.push(index);
    }),
  );
  await scheduler.runUntilIdle();
  await Promise.all(all);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  return times;
}

/** Most grants in any half-open window [t, t + lengthMs). */
function maxInWindow(times: number[], lengthMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= lengthMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** `count` grants at `atMs`, as an array. */
const batch = (count: number, atMs: number): number[] => new Array<number>(count).fill(atMs);

describe('createDialLimiter', () => {
  it('spreads 200 simultaneous dials over 30/s and 150 per 5 s', async () => {
    const times = await grantTimes(createDialLimiter({ scheduler }), 200);
    // 30 per second for five seconds fills the 5 s window (150); the 151st waits for the
    // first second's dials to leave it at 5000 ms; the 181st for the second's at 6000 ms.
    expect(times).toEqual([
      ...batch(30, 0),
      ...batch(30, 1000),
      ...batch(30, 2000),
      ...batch(30, 3000),
      ...batch(30, 4000),
      ...batch(30, 5000),
      ...batch(20, 6000),
    ]);
    expect(times[30]).toBe(1000);
    expect(times[150]).toBe(5000);
    expect(maxInWindow(times, 1000)).toBe(30);
    expect(maxInWindow(times, 5000)).toBe(150);
  });

  it('holds the 5 s window on its own when the per-second limit allows bursts', async () => {
    const times = await grantTimes(createDialLimiter({ scheduler, perSecond: 50 }), 200);
    expect(times).toEqual([...batch(50, 0), ...batch(50, 1000), ...batch(50, 2000), ...batch(50, 5000)]);
    expect(maxInWindow(times, 5000)).toBe(150);
  });

  it('lets a dial through as soon as the oldest one leaves the window', async () => {
    const limiter = createDialLimiter({ scheduler, perSecond: 2, perWindow: 3, windowMs: 2000 });
    await limiter.acquire();
    await scheduler.advance(300);
    await limiter.acquire();
    const times = await grantTimes(limiter, 3);
    // 2/s: the third waits for the first (t=0) to be 1000 ms old; 3 per 2 s: the fourth
    // for it to be 2000 ms old; the fifth for the second (t=300) to be 2000 ms old.
    expect(times).toEqual([1000, 2000, 2300]);
  });

  it('resolves at once while under both limits', async () => {
    const limiter = createDialLimiter({ scheduler });
    await limiter.acquire();
    expect(limiter.stats()).toEqual({ granted: 1, waiting: 0, inLastSecond: 1, inWindow: 1, pausedUntil: null, penalties: 0 });
    expect(scheduler.pending).toBe(0);
  });

  it('penalize delays the next acquire by the pause', async () => {
    const limiter = createDialLimiter({ scheduler });
    await limiter.acquire();
    limiter.penalize(2000);
    expect(limiter.stats()).toMatchObject({ pausedUntil: start + 2000, penalties: 1 });
    expect(await grantTimes(limiter, 2)).toEqual([2000, 2000]);
    expect(limiter.stats().pausedUntil).toBeNull();
  });

  it('penalize extends the wait of dials already queued', async () => {
    const limiter = createDialLimiter({ scheduler, perSecond: 1 });
    await limiter.acquire();
    const waiting = limiter.acquire();
    let grantedAt: number | undefined;
    void waiting.then(() => (grantedAt = scheduler.now() - start));
    await scheduler.advance(500);
    limiter.penalize(1500);
    await scheduler.runUntilIdle();
    expect(grantedAt).toBe(2000);
  });

  it('an aborted waiter leaves the queue without using a slot', async () => {
    const limiter = createDialLimiter({ scheduler, perSecond: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const later = grantTimes(limiter, 1);
    controller.abort(new Error('campaign stopped'));
    await expect(aborted).rejects.toThrow('campaign stopped');
    expect(await later).toEqual([1000]);
    expect(limiter.stats()).toMatchObject({ granted: 2, waiting: 0 });
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('campaign stopped');
  });

  it('reports what it is doing', async () => {
    const limiter = createDialLimiter({ scheduler });
    const pending = Array.from({ length: 40 }, () => limiter.acquire());
    expect(limiter.stats()).toMatchObject({ granted: 30, waiting: 10, inLastSecond: 30, inWindow: 30 });
    await scheduler.runUntilIdle();
    await Promise.all(pending);
    expect(limiter.stats()).toMatchObject({ granted: 40, waiting: 0, inLastSecond: 10, inWindow: 40 });
    await scheduler.advance(5000);
    expect(limiter.stats()).toMatchObject({ inLastSecond: 0, inWindow: 0 });
  });

  it.each<[Partial<DialLimiterOptions>, string]>([
    [{ perSecond: 0 }, 'Expected `perSecond` to be an integer from 1 and up, got `0` (number)'],
    [{ perWindow: 1.5 }, 'Expected `perWindow` to be an integer from 1 and up, got `1.5` (number)'],
    [{ windowMs: 500 }, 'Expected `windowMs` to be an integer from 1000 and up, got `500` (number)'],
    [{ perSecond: '30' as unknown as number }, 'Expected `perSecond` to be an integer from 1 and up, got `30` (string)'],
  ])('rejects %o', (bad, message) => {
    expect(() => createDialLimiter({ scheduler, ...bad })).toThrow(new TypeError(message));
  });

  it('rejects a negative pause', () => {
    expect(() => createDialLimiter({ scheduler }).penalize(-1)).toThrow('Expected `ms` to be a finite number from 0 and up, got `-1` (number)');
  });
});
