import { describe, expect, it } from 'vitest';
import { Mutex } from '../../../server/db/pglite-dialect.ts';

describe('Mutex (the one PGlite connection)', () => {
  it('hands the lock to waiters in the order they asked', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    await mutex.lock();
    const waiters = ['b', 'c', 'd'].map((name) => mutex.lock().then(() => order.push(name)));
    expect(mutex.locked).toBe(true);
    for (let i = 0; i < 3; i++) {
      mutex.unlock();
      await waiters[i];
    }
    expect(order).toEqual(['b', 'c', 'd']);
    expect(mutex.locked).toBe(true);
    mutex.unlock();
    expect(mutex.locked).toBe(false);
  });

  it('does not let a newcomer overtake a waiter when the lock is released', async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    await mutex.lock();
    const waiter = mutex.lock().then(() => order.push('waiter'));
    mutex.unlock();
    const newcomer = mutex.lock().then(() => order.push('newcomer'));
    await waiter;
    mutex.unlock();
    await newcomer;
    expect(order).toEqual(['waiter', 'newcomer']);
  });
});
