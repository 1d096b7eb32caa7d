/**
 * One simulated call leg and everything the simulator keeps about it. Mutable on
 * purpose: the lifecycle, the interpreter and the REST handlers all move the same record,
 * always through the helpers in this folder.
 *
 * @module
 */

import type { TimerHandle } from '../../lib/scheduler.ts';
import type { CallResourceStatus, HttpMethod, TerminalCallStatus } from '../../lib/telnyx-wire.ts';
import type { DialNode, VerbNode } from '../../texml-templates/types.ts';
import type { CallFate } from '../carrier-model.ts';
import type { CustomHeader, RtcCallHandle } from '../rtc/index.ts';
import type { Leg } from '../transcript.ts';

export interface CallbackTarget {
  url: string;
  method: HttpMethod;
}

/** Where progress callbacks go and which events are wanted (`StatusCallbackEvent`). */
export interface StatusSubscription extends CallbackTarget {
  events: ReadonlySet<string>;
}

export interface AmdSettings {
  mode: 'Enable' | 'DetectMessageEnd';
  /** true: TeXML runs while detection goes on; false: execution waits for the result (§7). */
  async: boolean;
  /** Where the async result is POSTed (`AsyncAmdStatusCallback`, or a noun's `statusCallback`). */
  callback?: CallbackTarget;
  /** ms after which detection gives up with `unknown` (`MachineDetectionTimeout`). */
  timeoutMs: number;
}

/** Where a REST-created call gets its TeXML when answered. */
export interface Instructions {
  url?: string;
  method: HttpMethod;
  fallbackUrl?: string;
  fallbackMethod?: HttpMethod;
  texml?: string;
}

/** How and why a call ended: the completed callback's fields. */
export interface CallEnd {
  status: TerminalCallStatus;
  hangupCause: string;
  hangupSource: string;
  sipHangupCause: string;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * One run of a TeXML document on a call. Replaced (never reused) when a new document
 * starts, so anything scheduled for an old one sees `call.execution !== exec` and stops.
 */
export interface Execution {
  readonly timers: Set<TimerHandle>;
  verbs: readonly VerbNode[];
  /** Index of the next verb to run. */
  index: number;
  /** URL the document came from; relative URLs in it resolve against this. */
  documentUrl?: string;
}

/** What the A-leg's running `<Dial>` needs to finish: its legs and how to continue. */
export interface DialSession {
  node: DialNode;
  exec: Execution;
  legs: SimCall[];
  /** The leg that answered first and is bridged. */
  winner?: SimCall;
  /** The `timeLimit` timer of the bridge. */
  limitTimer?: TimerHandle;
  /** Continue the A-leg's document after the `<Dial>` (no `action`). */
  resume(): Promise<void>;
  /** Fetch the `action` document and run it on the A-leg; absent when the `<Dial>` has no `action`. */
  runAction?: (fields: Record<string, string>, dialCallStatus: string) => Promise<void>;
}

/** What happens when a leg is answered or has ended; differs for REST calls and dialled legs. */
export interface LegHooks {
  answered(call: SimCall): Promise<void>;
  ended(call: SimCall): Promise<void>;
  /**
   * The leg's `<Dial>` has just bridged a callee. A parked softphone call, which nothing
   * has answered yet, is answered here; other legs have no such hook.
   */
  bridged?(call: SimCall): Promise<void>;
}

/**
 * A registered softphone is this leg's far end (`softphone.ts`, `parked-call.ts`): its
 * answer, hang-up and keys decide the leg's fate instead of the scenario rules.
 */
export interface SoftphoneLink {
  readonly handle: RtcCallHandle;
  /** Set while a `<Gather>` runs on the leg: the keys the client presses go to it. */
  onDigit: ((digit: string) => void) | null;
  /** The sandbox ended the leg (`endCall`): end the softphone's side of it too. */
  release(end: CallEnd): void;
}

export interface SimCall {
  readonly sid: string;
  readonly leg: Leg;
  /** The A-leg whose `<Dial>` created this leg. */
  readonly parent?: SimCall;
  readonly accountSid: string;
  /** The TeXML application (= connection) id the call runs on. */
  readonly connectionId: string;
  readonly from: string;
  readonly to: string;
  /** Caller-ID name (`CallerId` on create, `fromDisplayName` on `<Dial>`). */
  readonly callerIdName?: string;
  readonly callLegId: string;
  readonly callSessionId: string;
  /** SIP headers sent with the INVITE (create `CustomHeaders`); a softphone sees them. */
  readonly customHeaders?: readonly CustomHeader[];

  /** Scheduler times in ms. */
  readonly createdAt: number;
  initiatedAt?: number;
  ringingAt?: number;
  answeredAt?: number;
  endedAt?: number;

  status: CallResourceStatus;
  /** The `AnsweredBy` value once AMD has decided. */
  answeredBy?: string;
  readonly fate: CallFate;
  /** ms of ringing before the call counts as no-answer. */
  readonly ringTimeoutMs: number;
  /** ms from answer before the call is cut (`TimeLimit`). */
  readonly timeLimitMs?: number;

  statusCallback?: StatusSubscription;
  /** Next `SequenceNumber` (counts the status callbacks actually sent). */
  sequence: number;
  readonly amd?: AmdSettings;
  instructions?: Instructions;
  end?: CallEnd;

  /** Every pending timer of this call, cleared when it ends. */
  readonly timers: Set<TimerHandle>;
  execution: Execution | null;
  dial: DialSession | null;
  /** How many `<Gather>`s have run, to pick the callee's scripted keys. */
  gathers: number;
  /** Set when a registered softphone carries this leg. */
  softphone?: SoftphoneLink;
  readonly hooks: LegHooks;
}

export function isEnded(call: SimCall): boolean {
  return call.endedAt !== undefined;
}
