import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';

describe('VirtualScheduler', () => {
  const start = Date.UTC(2026, 0, 5, 15, 0, 0);

  it('runs due tasks in time order, ties in insertion order, and moves the clock to each', async () => {
    const scheduler = new VirtualScheduler(start);
    const seen: Array<[string, number]> = [];
    scheduler.setTimeout(() => seen.push(['b', scheduler.now() - start]), 2000);
    scheduler.setTimeout(() => seen.push(['a', scheduler.now() - start]), 1000);
    scheduler.setTimeout(() => seen.push(['c', scheduler.now() - start]), 2000);
    await scheduler.advance(1500);
    expect(seen).toEqual([['a', 1000]]);
    expect(scheduler.now() - start).toBe(1500);
    await scheduler.advance(500);
    expect(seen).toEqual([['a', 1000], ['b', 2000], ['c', 2000]]);
  });

  it('awaits async tasks, including timers they schedule inside the window', async () => {
    const scheduler = new VirtualScheduler(start);
    const seen: number[] = [];
    scheduler.setTimeout(async () => {
      await Promise.resolve();
      seen.push(scheduler.now() - start);
      scheduler.setTimeout(() => seen.push(scheduler.now() - start), 250);
    }, 100);
    await scheduler.advance(1000);
    expect(seen).toEqual([100, 350]);
  });

  it('runUntilIdle stops at the last task and records task errors without stopping', async () => {
    const scheduler = new VirtualScheduler(start);
    scheduler.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    const done = scheduler.sleep(30_000);
    let resolved = false;
    void done.then(() => (resolved = true));
    await scheduler.runUntilIdle();
    expect(resolved).toBe(true);
    expect(scheduler.now() - start).toBe(30_000);
    expect(scheduler.errors).toHaveLength(1);
    expect(scheduler.pending).toBe(0);
  });

  it('clearTimeout cancels a pending task', async () => {
    const scheduler = new VirtualScheduler(start);
    let ran = false;
    const handle = scheduler.setTimeout(() => (ran = true), 10);
    scheduler.clearTimeout(handle);
    await scheduler.runUntilIdle();
    expect(ran).toBe(false);
  });
});
