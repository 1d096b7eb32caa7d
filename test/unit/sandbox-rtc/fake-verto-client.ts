/**
 * A Node stand-in for `@telnyx/webrtc` 2.27.10 on the wire: it sends the SDK's frames
 * exactly as webrtc-sdk.md §2.3–2.7 shows them (uuid ids on requests, `dialogParams`
 * carrying `callID`, the login's `userVariables`/`loginParams`/`User-Agent`) and acks
 * every server request with `{result: {method}}`, as the SDK does.
 */

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { waitFor } from './wait.ts';

export interface Frame {
  jsonrpc: '2.0';
  id: string | number | null;
  method?: string;
  params?: Record<string, any>;
  result?: Record<string, any>;
  error?: { code: number; message: string };
}

export class FakeVertoClient {
  /** Every frame the server sent, in order. */
  readonly frames: Frame[] = [];
  /** Every frame this client sent, in order. */
  readonly sent: Frame[] = [];
  sessid: string | undefined;
  /** Set false to stop acking server requests (the SDK always acks). */
  ack = true;
  readonly #pending = new Map<string, (frame: Frame) => void>();
  #closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    this.#closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (typeof frame.id === 'string' && this.#pending.has(frame.id)) {
        this.#pending.get(frame.id)!(frame);
        this.#pending.delete(frame.id);
      } else if (frame.method && typeof frame.id === 'number' && this.ack) {
        this.#send({ jsonrpc: '2.0', id: frame.id, result: { method: frame.method } });
      }
    });
  }

  static async connect(url: string): Promise<FakeVertoClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new FakeVertoClient(ws);
  }

  /** Send a request with a uuid id and resolve with the server's response. */
  request(method: string, params: Record<string, unknown>): Promise<Frame> {
    const id = randomUUID();
    const reply = new Promise<Frame>((resolve) => this.#pending.set(id, resolve));
    this.#send({ jsonrpc: '2.0', id, method, params });
    return reply;
  }

  /** SDK `login` with `login_token`; stores `sessid` on success. */
  async login(token: string): Promise<Frame> {
    const reply = await this.request('login', {
      login_token: token,
      userVariables: { push_when_active: false, pn_late_fanout: false },
      reconnection: false,
      loginParams: { early_sdp_answer: false },
      'User-Agent': { sdkVersion: '2.27.10', data: 'vitest fake client' },
    });
    if (reply.result?.sessid) this.sessid = reply.result.sessid as string;
    return reply;
  }

  /** login → clientReady → gatewayState, as the SDK does before `telnyx.ready`. */
  async loginAndRegister(token: string): Promise<Frame> {
    const login = await this.login(token);
    if (login.error) throw new Error(`login failed: ${login.error.message}`);
    await this.waitForServerRequest('telnyx_rtc.clientReady');
    return this.request('telnyx_rtc.gatewayState', {});
  }

  answer(callID: string, sdp: string): Promise<Frame> {
    return this.request('telnyx_rtc.answer', { sessid: this.sessid, sdp, dialogParams: { callID, customHeaders: [] } });
  }

  modify(callID: string, action: 'hold' | 'unhold' | 'toggleHold'): Promise<Frame> {
    return this.request('telnyx_rtc.modify', { sessid: this.sessid, action, dialogParams: { callID } });
  }

  dtmf(callID: string, digit: string): Promise<Frame> {
    return this.request('telnyx_rtc.info', { sessid: this.sessid, dtmf: digit, dialogParams: { callID } });
  }

  bye(callID: string, cause = 'NORMAL_CLEARING', causeCode = 16): Promise<Frame> {
    return this.request('telnyx_rtc.bye', { sessid: this.sessid, cause, causeCode, sipCode: null, sip_call_id: null, dialogParams: { callID } });
  }

  /** `newCall()`: the SDK's outbound invite (§2.5). */
  invite(callID: string, sdp: string, dialog: { destination: string; callerNumber?: string; callerName?: string; customHeaders?: { name: string; value: string }[] }): Promise<Frame> {
    return this.request('telnyx_rtc.invite', {
      sessid: this.sessid,
      sdp,
      dialogParams: {
        callID,
        destination_number: dialog.destination,
        caller_id_name: dialog.callerName ?? 'Agent',
        caller_id_number: dialog.callerNumber ?? '+15550001111',
        remote_caller_id_name: 'Outbound Call',
        remote_caller_id_number: dialog.destination,
        clientState: 'aGk=',
        custom_headers: dialog.customHeaders ?? [],
        audio: true,
        video: false,
        userVariables: {},
        iceServers: [],
      },
      'User-Agent': 'Web-2.27.10',
    });
  }

  serverRequests(method?: string): Frame[] {
    return this.frames.filter((frame) => frame.method !== undefined && (method === undefined || frame.method === method));
  }

  async waitForServerRequest(method: string, predicate: (frame: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    let found: Frame | undefined;
    await waitFor(() => (found = this.serverRequests(method).find(predicate)) !== undefined, timeoutMs, `server ${method}`);
    return found!;
  }

  /** Raw text, for malformed-frame tests. */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    await this.#closed;
  }

  #send(frame: Frame): void {
    this.sent.push(frame);
    this.ws.send(JSON.stringify(frame));
  }
}
