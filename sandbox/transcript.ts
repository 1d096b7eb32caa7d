/**
 * The transcript: an ordered record of everything the sandbox received and sent. It is
 * the tests' main oracle, so each entry's `line` is short, human and stable across runs
 * (no SIDs, times, ports or query strings); the volatile values go in `detail`.
 *
 * @module
 */

import type { Clock } from '../lib/scheduler.ts';

/** `rtc`: the WebRTC socket (logins, registrations, softphone calls, DTMF, hold). */
export type TranscriptKind = 'api' | 'callback' | 'fetch' | 'verb' | 'call' | 'rtc';
/** `A` = a call created through the REST API; `B` = a leg created by `<Dial>`. */
export type Leg = 'A' | 'B';

export interface TranscriptEntry {
  /** 0, 1, 2, … in the order things happened. */
  seq: number;
  /** ISO-8601 time on the scheduler's clock. */
  at: string;
  kind: TranscriptKind;
  callSid?: string;
  leg?: Leg;
  /** e.g. `callback A in-progress#2 → 200`. */
  line: string;
  detail?: Record<string, unknown>;
}

export interface TranscriptFilter {
  kind?: TranscriptKind | readonly TranscriptKind[];
  callSid?: string;
}

export class Transcript {
  #entries: TranscriptEntry[] = [];

  constructor(private readonly clock: Clock) {}

  add(entry: Omit<TranscriptEntry, 'seq' | 'at'>): TranscriptEntry {
    const full: TranscriptEntry = { seq: this.#entries.length, at: new Date(this.clock.now()).toISOString(), ...entry };
    this.#entries.push(full);
    return full;
  }

  entries(filter: TranscriptFilter = {}): TranscriptEntry[] {
    const kinds = filter.kind === undefined ? undefined : ([] as TranscriptKind[]).concat(filter.kind);
    return this.#entries.filter(
      (entry) => (!kinds || kinds.includes(entry.kind)) && (filter.callSid === undefined || entry.callSid === filter.callSid),
    );
  }

  lines(filter: TranscriptFilter = {}): string[] {
    return this.entries(filter).map((entry) => entry.line);
  }

  clear(): void {
    this.#entries = [];
  }
}

/** The path of `url` without origin, query or fragment: the stable part for a `line`. */
export function stablePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}
