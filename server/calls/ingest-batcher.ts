/**
 * Group commit for status callbacks: the HTTP route hands each verified callback to
 * `submit`, and gets its result once the transaction that holds it has committed.
 *
 * There is no time window. A flush starts as soon as the event loop has finished the
 * I/O callbacks of its current turn (`setImmediate`), with everything queued by then;
 * callbacks that arrive while a flush runs wait and all go into the next one. At low load
 * a callback is thus committed alone, with no added wait; under load the batches grow
 * to what arrives during one commit (natural group commit), up to `maxBatch`.
 *
 * Why not flush synchronously on the first `submit`: PGlite runs its queries on the JS
 * thread and a whole transaction completes without the event loop reading any socket,
 * so the first callback of each loop turn would always commit alone, and under load
 * every batch would have one callback.
 *
 * A failed transaction applies nothing (it is one transaction) and rejects every promise
 * of the batch, so each route answers 500 and Telnyx retries. Except: when the error is
 * one a single callback can cause (PostgreSQL SQLSTATE class 22 data exception or 23
 * integrity violation, e.g. an out-of-range timestamp or a CallSid another process
 * claimed meanwhile) or a transient conflict (class 40: deadlock, serialization), the
 * batch is retried once, one callback per transaction in arrival order, so one bad
 * callback cannot fail its neighbours. Other errors (connection lost, a bug) would fail
 * the retries the same way, and are not retried.
 *
 * @module
 */
import { ingestStatusCallbacks, type IngestResult, type StatusCallbackInput } from './ingest-batch.ts';
import type { Db } from './repository.ts';

export interface AppliedBatch {
  inputs: readonly StatusCallbackInput[];
  results: readonly IngestResult[];
  /** Wall time of the transaction, milliseconds. */
  durationMs: number;
  /** True for a one-callback transaction retried after its batch failed. */
  retry: boolean;
}

export interface CallbackBatcherOptions {
  db: Db;
  /**
   * Most callbacks per transaction. @default 256: a 256-callback batch costs a few ms on
   * PGlite, so a larger one would only add latency to the callbacks that wait for it.
   */
  maxBatch?: number;
  /**
   * Told after each transaction commits, before its promises resolve (logs, metrics).
   * It runs on the ingestion path: keep it cheap. What it throws is ignored: the batch is
   * committed whatever an observer does.
   */
  onApplied?: (batch: AppliedBatch) => void;
}

export interface BatcherStats {
  /** Transactions committed (retries included). */
  batches: number;
  /** Callbacks committed. */
  callbacks: number;
  largestBatch: number;
  /** Batches whose transaction failed. */
  failedBatches: number;
  /** Callbacks rejected. */
  rejected: number;
}

export interface CallbackBatcher {
  /** Record and apply one callback; resolves after its transaction has committed. */
  submit(input: StatusCallbackInput): Promise<IngestResult>;
  /** Counters since creation (a live view). */
  readonly stats: Readonly<BatcherStats>;
}

interface Pending {
  input: StatusCallbackInput;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export function createCallbackBatcher(options: CallbackBatcherOptions): CallbackBatcher {
  const { db, onApplied } = options;
  const maxBatch = Math.max(1, options.maxBatch ?? 256);
  const stats: BatcherStats = { batches: 0, callbacks: 0, largestBatch: 0, failedBatches: 0, rejected: 0 };
  const queue: Pending[] = [];
  /** A flush is scheduled or running: new callbacks only queue. */
  let busy = false;

  const schedule = () => {
    busy = true;
    setImmediate(() => void drain());
  };

  async function drain(): Promise<void> {
    const batch = queue.splice(0, maxBatch);
    try {
      await flush(batch);
    } finally {
      // Let the event loop read what arrived during the flush before taking the next batch.
      if (queue.length > 0) schedule();
      else busy = false;
    }
  }

  async function commit(batch: Pending[], retry: boolean): Promise<void> {
    const started = performance.now();
    const inputs = batch.map((pending) => pending.input);
    const results = await ingestStatusCallbacks(db, inputs);
    stats.batches++;
    stats.callbacks += batch.length;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    try {
      onApplied?.({ inputs, results, durationMs: performance.now() - started, retry });
    } catch {
      // An observer's failure must not turn a committed batch into a rejected one.
    }
    batch.forEach((pending, index) => pending.resolve(results[index]!));
  }

  async function flush(batch: Pending[]): Promise<void> {
    try {
      await commit(batch, false);
    } catch (error) {
      stats.failedBatches++;
      if (batch.length === 1 || !isPerCallbackError(error)) {
        stats.rejected += batch.length;
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) {
        try {
          await commit([pending], true);
        } catch (itemError) {
          stats.failedBatches++;
          stats.rejected++;
          pending.reject(itemError);
        }
      }
    }
  }

  return {
    submit(input) {
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!busy) schedule();
      });
    },
    stats,
  };
}

/** SQLSTATE classes an individual callback can cause, or that a retry can clear. */
const PER_CALLBACK_SQLSTATE_CLASSES = new Set(['22', '23', '40']);

/** Both `pg` and PGlite put the SQLSTATE in `code`. */
function isPerCallbackError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && PER_CALLBACK_SQLSTATE_CLASSES.has(code.slice(0, 2));
}
