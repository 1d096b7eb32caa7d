/**
 * Receiving an import over HTTP, and running it after the answer.
 *
 * The body is streamed to a temporary file (never into memory), at most
 * {@link MAX_IMPORT_BYTES}; then the header is checked and the API answers 202 with the
 * import, which carries on in the background from the file while the client polls
 * `GET /api/imports/:id`. Spooling first decouples the upload (fast) from the database
 * (slower): a 100 MB file does not keep an HTTP request open for minutes, and an early
 * answer never races a client that is still sending.
 *
 * {@link ImportRunner} keeps the imports running in this process, so that shutdown can
 * stop them between batches and wait, and tests can wait for one to finish.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { AppContext } from '../../context.ts';
import { DialerError } from '../../errors.ts';

/** Largest CSV accepted by the API, bytes (100 MiB). */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

export interface SpooledFile {
  path: string;
  bytes: number;
  /** Delete the file (and its folder); safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Write the request body to a new temporary file.
 *
 * @throws DialerError `payload_too_large` over `limit` bytes (by `Content-Length` before
 *   reading, or while reading a chunked body), `bad_request` when the upload breaks off.
 */
export async function spoolRequestBody(req: Request, limit: number = MAX_IMPORT_BYTES): Promise<SpooledFile> {
  const tooLarge = () => new DialerError('payload_too_large', { message: `The file is larger than ${Math.round(limit / 1024 / 1024)} MB; split it into several imports.` });
  const declared = Number(req.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const folder = await mkdtemp(join(tmpdir(), 'dialer-import-'));
  const path = join(folder, 'upload.csv');
  const remove = () => rm(folder, { recursive: true, force: true });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) callback(tooLarge());
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, createWriteStream(path));
  } catch (error) {
    await remove();
    if (error instanceof DialerError) throw error;
    throw new DialerError('bad_request', { message: 'The upload broke off before the end of the file.', cause: error });
  }
  return { path, bytes, remove };
}

interface Running {
  done: Promise<void>;
  abort: AbortController;
}

/** The imports running in this process. */
export class ImportRunner {
  readonly #running = new Map<string, Running>();
  #closed = false;

  /**
   * Track an import until `done` settles, then run `cleanup` (delete the spooled file).
   * A failure is already recorded on the import row; it is only logged here.
   */
  track(importId: string, done: Promise<unknown>, abort: AbortController, cleanup: () => Promise<void>, onError: (error: unknown) => void): void {
    const settled = done.then(
      () => undefined,
      (error: unknown) => onError(error),
    );
    const finished = settled.finally(async () => {
      this.#running.delete(importId);
      await cleanup().catch(onError);
    });
    this.#running.set(importId, { done: finished, abort });
    if (this.#closed) abort.abort();
  }

  /** Resolves when the import has finished here (at once when it is not running here). */
  async settled(importId: string): Promise<void> {
    await this.#running.get(importId)?.done;
  }

  get size(): number {
    return this.#running.size;
  }

  /** Stop every import after its current batch (they end `failed`, rows written so far kept) and wait. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#running.values()];
    for (const entry of running) entry.abort.abort();
    await Promise.all(running.map((entry) => entry.done));
  }
}

const runners = new WeakMap<AppContext, ImportRunner>();

/** The import runner of a running server (one per context). */
export function importRunnerOf(ctx: AppContext): ImportRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = new ImportRunner();
    runners.set(ctx, runner);
  }
  return runner;
}
