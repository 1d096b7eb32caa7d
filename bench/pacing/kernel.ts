/**
 * The discrete-event kernel of the pacing simulator: a binary-heap priority queue of
 * (time ms, sequence number, event) and a virtual clock that jumps from one event to the
 * next. Events due at the same ms run in the order they were scheduled (the sequence
 * number breaks ties), so a run is a pure function of its inputs.
 *
 * @module
 */

interface Entry<E> {
  timeMs: number;
  seq: number;
  event: E;
}

/** Min-heap on (timeMs, seq). */
export class EventQueue<E> {
  readonly #heap: Entry<E>[] = [];
  #nextSeq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(timeMs: number, event: E): void {
    const heap = this.#heap;
    heap.push({ timeMs, seq: this.#nextSeq++, event });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  /** The earliest entry, removed; `undefined` when empty. */
  pop(): Entry<E> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
    return top;
  }
}

function before<E>(a: Entry<E>, b: Entry<E>): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}

/** Virtual time and the queue of what happens next. */
export class Kernel<E> {
  readonly #queue = new EventQueue<E>();
  #nowMs = 0;

  /** Virtual ms since the start of the run. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Schedule `event` at `atMs` (never in the past: an earlier time runs now). */
  at(atMs: number, event: E): void {
    this.#queue.push(Math.max(atMs, this.#nowMs), event);
  }

  /** Schedule `event` `delayMs` from now. */
  after(delayMs: number, event: E): void {
    this.at(this.#nowMs + delayMs, event);
  }

  /** Run events in (time, sequence) order until none is left. */
  run(handle: (event: E) => void): void {
    for (let entry = this.#queue.pop(); entry !== undefined; entry = this.#queue.pop()) {
      this.#nowMs = entry.timeMs;
      handle(entry.event);
    }
  }
}
