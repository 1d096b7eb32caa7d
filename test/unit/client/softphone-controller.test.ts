// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DialerCallEndDetail, DialerCallStateDetail, DialerErrorDetail, DialerRegistrationChangeDetail } from '../../../client/telnyx-dialer/events.ts';
import { SoftphoneController, type SoftphoneCredentials } from '../../../client/telnyx-dialer/softphone-controller.ts';
import { FakeClient, until } from './fakes.ts';

/** The smallest Lit controller host: an element that forwards connect/disconnect. */
class TestHost extends HTMLElement implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  readonly updateComplete = Promise.resolve(true);
  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
  connectedCallback(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnectedCallback(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}
customElements.define('test-softphone-host', TestHost);

interface Setup {
  host: TestHost;
  controller: SoftphoneController;
  clients: FakeClient[];
  client: () => FakeClient;
  audio: HTMLAudioElement;
  events: Array<{ type: string; detail: unknown }>;
  clock: { now: number };
  tokens: string[];
}

let mounted: Setup[] = [];

function setup(credentials: SoftphoneCredentials | null = { loginToken: 'jwt-1', sandbox: false }): Setup {
  const host = document.createElement('test-softphone-host') as TestHost;
  const clients: FakeClient[] = [];
  const audio = document.createElement('audio');
  const events: Setup['events'] = [];
  const clock = { now: 1_000_000 };
  const tokens = ['jwt-2', 'jwt-3'];
  for (const type of ['dialer-registration-change', 'dialer-call-state', 'dialer-call-end', 'dialer-error']) {
    host.addEventListener(type, (e) => events.push({ type, detail: (e as CustomEvent).detail }));
  }
  const controller = new SoftphoneController(host, {
    clientFactory: () => (options) => {
      const client = new FakeClient(options);
      clients.push(client);
      return client;
    },
    loadCredentials: () => Promise.resolve(credentials),
    refreshToken: () => Promise.resolve(tokens.shift() ?? 'none'),
    remoteAudio: () => audio,
    now: () => clock.now,
  });
  const s: Setup = { host, controller, clients, client: () => clients[0]!, audio, events, clock, tokens };
  mounted.push(s);
  return s;
}

async function connected(s: Setup): Promise<FakeClient> {
  document.body.append(s.host);
  await until(() => s.clients.length > 0 && s.clients[0]!.connectCount === 1, 'client connected');
  return s.client();
}

const ofType = <T>(s: Setup, type: string) => s.events.filter((e) => e.type === type).map((e) => e.detail as T);

beforeEach(() => {
  mounted = [];
});

afterEach(async () => {
  for (const s of mounted) {
    s.host.remove();
    await s.controller.teardown;
  }
});

describe('SoftphoneController: registration', () => {
  it('connects when the host connects, with the token and the remote <audio> element itself', async () => {
    const s = setup();
    const client = await connected(s);
    expect(client.options).toEqual({ login_token: 'jwt-1' });
    expect(client.remoteElement).toBe(s.audio);
    expect(s.controller.registration).toEqual({ state: 'connecting' });
  });

  it('passes host, empty ICE servers and no call reports only in sandbox mode', async () => {
    const s = setup({ loginToken: 'jwt-1', sandbox: true, host: 'ws://127.0.0.1:14100' });
    const client = await connected(s);
    expect(client.options).toEqual({ login_token: 'jwt-1', host: 'ws://127.0.0.1:14100', iceServers: [], enableCallReports: false });
  });

  it('goes connecting → registered → reconnecting → registered, one event per change', async () => {
    const s = setup();
    const client = await connected(s);
    client.emitReady();
    client.emitReady(); // the SDK may repeat ready; no duplicate event
    client.emitSocketClose();
    client.emitReady();
    expect(ofType<DialerRegistrationChangeDetail>(s, 'dialer-registration-change')).toEqual([
      { state: 'connecting' },
      { state: 'registered' },
      { state: 'reconnecting' },
      { state: 'registered' },
    ]);
  });

  it('fails on 46001 with the SDK code and message, and reports a fatal dialer-error', async () => {
    const s = setup();
    const client = await connected(s);
    client.emitError(46001, 'Login failed', true);
    expect(s.controller.registration).toEqual({ state: 'failed', error: { code: 46001, message: 'Login failed' } });
    expect(ofType<DialerErrorDetail>(s, 'dialer-error')).toEqual([{ code: 46001, message: 'Login failed', fatal: true, source: 'sdk' }]);
    client.emitSocketClose();
    expect(s.controller.registration.state).toBe('failed');
  });

  it('stays offline when nobody is signed in (no client is created)', async () => {
    const s = setup(null);
    document.body.append(s.host);
    await until(() => ofType(s, 'dialer-registration-change').length === 2, 'back to offline');
    expect(s.clients).toHaveLength(0);
    expect(s.controller.registration).toEqual({ state: 'offline' });
  });

  it('refreshes the login token on warning 34001', async () => {
    const s = setup();
    const client = await connected(s);
    client.emitReady();
    client.emitWarning(33005, 'Only host candidates');
    client.emitWarning(34001, 'Token expiring soon');
    await until(() => client.logins.length === 1, 'login with a fresh token');
    expect(client.logins).toEqual(['jwt-2']);
  });

  it('removes its listeners and disconnects when the host leaves, and frees the page slot', async () => {
    const s = setup();
    const client = await connected(s);
    expect(client.listenerCount).toBe(5);
    s.host.remove();
    await s.controller.teardown;
    expect(client.listenerCount).toBe(0);
    expect(client.disconnectCount).toBe(1);
    expect(s.controller.registration.state).toBe('offline');

    const other = setup();
    const second = await connected(other);
    expect(second.connectCount).toBe(1);
  });

  it('does not tear down when the host is only moved in the DOM', async () => {
    const s = setup();
    const client = await connected(s);
    const box = document.createElement('div');
    document.body.append(box);
    box.append(s.host); // disconnect + connect in one task
    await s.controller.teardown;
    expect(client.disconnectCount).toBe(0);
    expect(client.listenerCount).toBe(5);
    expect(s.clients).toHaveLength(1);
  });

  it('refuses a second client on the same page', async () => {
    const first = setup();
    await connected(first);
    const second = setup();
    document.body.append(second.host);
    await until(() => second.controller.registration.state === 'failed', 'second refused');
    expect(second.clients).toHaveLength(0);
    expect(second.controller.registration.error?.code).toBe('softphone_in_use');
  });
});

describe('SoftphoneController: calls', () => {
  async function registered(): Promise<{ s: Setup; client: FakeClient }> {
    const s = setup();
    const client = await connected(s);
    client.emitReady();
    s.events.length = 0;
    return { s, client };
  }

  it('tracks an outbound call through the real order (no ringing) and reports its end', async () => {
    const { s, client } = await registered();
    s.controller.dial('+15550102030', '+15550100001');
    const call = client.calls[0]!;
    expect(call.options).toEqual({ destinationNumber: '+15550102030', callerNumber: '+15550100001' });
    expect(s.controller.current?.ui).toBe('dialing'); // from the first `new`, which had no direction
    call.setState('requesting').setState('trying');
    s.clock.now += 500;
    call.setState('active');
    s.clock.now += 62_400;
    call.hangup();
    s.clock.now += 5_000; // the SDK may wait for the BYE reply before destroy
    call.setState('destroy');

    expect(ofType<DialerCallStateDetail>(s, 'dialer-call-state').map((d) => [d.previous, d.state])).toEqual([
      ['idle', 'dialing'],
      ['dialing', 'active'],
      ['active', 'ending'],
      ['ending', 'idle'],
    ]);
    expect(ofType<DialerCallStateDetail>(s, 'dialer-call-state')[0]).toEqual({
      callId: call.id,
      state: 'dialing',
      previous: 'idle',
      direction: 'outbound',
      remoteNumber: '+15550102030',
    });
    expect(ofType<DialerCallEndDetail>(s, 'dialer-call-end')).toEqual([{ callId: call.id, cause: 'NORMAL_CLEARING', causeCode: 16, durationS: 62 }]);
    expect(s.controller.current).toBeNull();
  });

  it('does not dial while unregistered', async () => {
    const s = setup();
    const client = await connected(s);
    expect(s.controller.dial('+15550102030')).toBeNull();
    expect(client.calls).toHaveLength(0);
  });

  it('shows an inbound call as ringing only once the direction is known, and answers on request', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound({ callerNumber: '+15557654321', callerName: 'Grace' });
    const states = ofType<DialerCallStateDetail>(s, 'dialer-call-state');
    expect(states).toEqual([{ callId: call.id, state: 'ringing', previous: 'idle', direction: 'inbound', remoteNumber: '+15557654321' }]);
    expect(call.answers).toHaveLength(0); // no attempt header: the agent decides

    await s.controller.answer();
    expect(call.answers).toEqual([{ remoteElement: s.audio }]);
    call.setState('active');
    expect(s.controller.current?.ui).toBe('active');
  });

  it('auto-answers a server-placed call (X-Dialer-Attempt) and carries the attempt id', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-42' }] });
    expect(call.answers).toEqual([{ remoteElement: s.audio }]);
    call.setState('active');
    call.remoteHangup('NORMAL_CLEARING', 16);
    const states = ofType<DialerCallStateDetail>(s, 'dialer-call-state');
    expect(states.map((d) => d.state)).toEqual(['ringing', 'dialing', 'active', 'ending', 'idle']);
    expect(states.every((d) => d.attemptId === 'att-42')).toBe(true);
    expect(ofType<DialerCallEndDetail>(s, 'dialer-call-end')[0]).toMatchObject({ attemptId: 'att-42', cause: 'NORMAL_CLEARING' });
  });

  it('keeps the call active until hold resolves, marking it pending meanwhile', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound();
    await s.controller.answer();
    call.setState('active');

    const holding = s.controller.toggleHold();
    expect(call.holdRequested).toBe('hold');
    expect(s.controller.current).toMatchObject({ ui: 'active', holdPending: true });
    await s.controller.toggleHold(); // ignored while pending
    call.completeHold();
    await holding;
    expect(s.controller.current).toMatchObject({ ui: 'held', holdPending: false });

    const resuming = s.controller.toggleHold();
    expect(call.holdRequested).toBe('unhold');
    call.completeHold();
    await resuming;
    expect(s.controller.current).toMatchObject({ ui: 'active', holdPending: false });
  });

  it('reports a failed hold as a non-fatal error and clears the pending flag', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound();
    call.setState('active');
    const holding = s.controller.toggleHold();
    call.failHold('HOLD_FAILED');
    await holding;
    expect(s.controller.current).toMatchObject({ ui: 'active', holdPending: false });
    expect(ofType<DialerErrorDetail>(s, 'dialer-error')[0]).toMatchObject({ code: 'call_action_failed', fatal: false, source: 'sdk' });
  });

  it('mutes, sends DTMF only while active, and applies chosen devices once active', async () => {
    const { s, client } = await registered();
    await until(() => s.controller.devices.inputs.length === 2, 'devices listed');
    await s.controller.setInputDevice('mic-2');
    await s.controller.setOutputDevice('spk-1');
    const call = client.ringInbound();
    expect(s.controller.dtmf('5')).toBe(false);
    expect(call.inputDevice).toBeUndefined(); // no audio sender before active (§5)
    call.setState('active');
    expect(call.inputDevice).toBe('mic-2');
    expect(call.outputDevice).toBe('spk-1');
    expect(s.controller.dtmf('5')).toBe(true);
    expect(s.controller.dtmf('x')).toBe(false);
    expect(call.dtmfSent).toBe('5');
    s.controller.toggleMute();
    expect(call.isAudioMuted).toBe(true);
    expect(s.controller.current?.muted).toBe(true);
    s.controller.toggleMute();
    expect(call.isAudioMuted).toBe(false);
  });

  it('ignores late updates for a call it already released (no second end)', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound();
    call.remoteHangup();
    // The SDK re-emits hangup/destroy when a hang-up races the peer set-up (error 44005).
    call.setState('hangup');
    call.setState('destroy');
    expect(ofType<DialerCallEndDetail>(s, 'dialer-call-end')).toHaveLength(1);
    expect(ofType<DialerCallStateDetail>(s, 'dialer-call-state').map((d) => d.state)).toEqual(['ringing', 'ending', 'idle']);
    expect(s.controller.current).toBeNull();
  });

  it('keeps a call across a socket drop and ready again', async () => {
    const { s, client } = await registered();
    const call = client.ringInbound();
    call.setState('active');
    client.emitSocketClose();
    expect(s.controller.registration.state).toBe('reconnecting');
    expect(s.controller.current?.ui).toBe('active');
    client.emitReady();
    expect(s.controller.registration.state).toBe('registered');
  });
});
