/**
 * `useTestDialer()`: the hooks every integration test file needs, registered once. The
 * file gets one test database (`useTestDatabase`) and the real dialer on it, started and
 * stopped around each test (or once for the file); a dialer must leave no errors in its
 * scheduler.
 *
 * Call it at the top level of the file, before the file's own hooks: vitest runs
 * `before*` hooks in the order they were registered and `after*` hooks in reverse
 * (`sequence.hooks: 'stack'`), so a file's own set-up sees a running dialer and its own
 * clean-up (closing sockets) runs before the dialer stops.
 *
 * @module
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Database } from '../../server/db/index.ts';
import { truncateAll, useTestDatabase } from './database.ts';
import { startTestDialer, type StartTestDialerOptions, type TestDialer, type UserSession } from './dialer.ts';

export interface UseTestDialerOptions extends StartTestDialerOptions {
  /**
   * `'test'` (default): every test gets an emptied database and a fresh dialer on a fresh
   * virtual clock. `'file'`: one dialer for the whole file, whose tests share its rows and
   * its clock.
   */
  lifetime?: 'test' | 'file';
}

/**
 * The dialer running now, usable wherever a {@link TestDialer} is: its members read
 * through to the dialer of the current test.
 */
export class TestDialerFixture implements TestDialer {
  #dialer: TestDialer | undefined;

  constructor(
    /** The file's test database, which the dialer runs on. */
    readonly database: Database,
    private readonly options: StartTestDialerOptions,
  ) {}

  get running(): TestDialer['running'] {
    return this.current.running;
  }

  get scheduler(): TestDialer['scheduler'] {
    return this.current.scheduler;
  }

  get sandbox(): TestDialer['sandbox'] {
    return this.current.sandbox;
  }

  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.current.api(method, path, body);
  }

  login(username: string, options?: { tokenType?: 'cookie' | 'bearer' }): Promise<UserSession> {
    return this.current.login(username, options);
  }

  /** Starts the dialer with the file's options (`env` entries replaced one by one by `options.env`). */
  async start(options: StartTestDialerOptions = {}): Promise<void> {
    this.#dialer = await startTestDialer(this.database, { ...this.options, ...options, env: { ...this.options.env, ...options.env } });
  }

  /** Stops the running dialer, after checking that its scheduler recorded no errors. */
  async close(): Promise<void> {
    const dialer = this.#dialer;
    this.#dialer = undefined;
    if (!dialer) return;
    try {
      expect(dialer.scheduler.errors).toEqual([]);
    } finally {
      await dialer.close();
    }
  }

  /** Stops this test's dialer, empties the database and starts a new dialer (with other settings). */
  async restart(options: StartTestDialerOptions = {}): Promise<void> {
    await this.close();
    await truncateAll(this.database.db);
    await this.start(options);
  }

  private get current(): TestDialer {
    if (!this.#dialer) throw new Error('useTestDialer: no dialer is running (outside a test, or after close())');
    return this.#dialer;
  }
}

/** Registers the hooks (see the module comment) and returns the dialer they run. */
export function useTestDialer(options: UseTestDialerOptions = {}): TestDialerFixture {
  const { lifetime = 'test', ...startOptions } = options;
  const fixture = new TestDialerFixture(useTestDatabase({ emptyBeforeEachTest: lifetime === 'test' }), startOptions);
  if (lifetime === 'file') {
    beforeAll(() => fixture.start());
    afterAll(() => fixture.close());
  } else {
    beforeEach(() => fixture.start());
    afterEach(() => fixture.close());
  }
  return fixture;
}
