import { describe, expect, it } from 'vitest';
import { EventQueue, Kernel } from '../../../bench/pacing/kernel.ts';
import { createPrng } from '../../../sandbox/prng.ts';

describe('event kernel', () => {
  it('pops by time, and events at the same time in the order they were pushed', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 'c');
    queue.push(10, 'a1');
    queue.push(20, 'b');
    queue.push(10, 'a2');
    queue.push(10, 'a3');
    const order: string[] = [];
    for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) order.push(entry.event);
    expect(order).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
  });

  it('agrees with a sorted-list model over many random pushes and pops', () => {
    const random = createPrng(5, 'kernel').next;
    const queue = new EventQueue<number>();
    const model: Array<{ time: number; pushed: number }> = [];
    let pushed = 0;
    for (let round = 0; round < 3000; round++) {
      if (model.length === 0 || random() < 0.6) {
        const time = Math.floor(random() * 50);
        queue.push(time, pushed);
        model.push({ time, pushed: pushed++ });
      } else {
        model.sort((a, b) => a.time - b.time || a.pushed - b.pushed);
        const expected = model.shift()!;
        const entry = queue.pop()!;
        expect([entry.timeMs, entry.event]).toEqual([expected.time, expected.pushed]);
      }
      expect(queue.size).toBe(model.length);
    }
  });

  it('moves virtual time to each event and runs what handlers schedule, never in the past', () => {
    const kernel = new Kernel<string>();
    const seen: string[] = [];
    kernel.at(1000, 'first');
    kernel.at(500, 'early');
    kernel.run((event) => {
      seen.push(`${kernel.nowMs}:${event}`);
      if (event === 'first') {
        kernel.after(250, 'later');
        kernel.at(0, 'past');
        kernel.after(0, 'same-time');
      }
    });
    expect(seen).toEqual(['500:early', '1000:first', '1000:past', '1000:same-time', '1250:later']);
  });
});
