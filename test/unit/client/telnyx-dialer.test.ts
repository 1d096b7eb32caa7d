// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { click, createDialer, mount, ready, settle } from './dialer-fixture.ts';

describe('<telnyx-dialer> sign-in', () => {
  it('shows the sign-in form on 401 and registers after a good login', async () => {
    const m = await mount({ authenticated: false });
    expect(m.clients).toHaveLength(0);
    const form = m.part<HTMLFormElement>('login-form');
    form.querySelector<HTMLInputElement>('[name="username"]')!.value = 'ada';
    form.querySelector<HTMLInputElement>('[name="password"]')!.value = 'wrong';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle(m, () => m.el.shadowRoot!.querySelector('[part~="notice"]') !== null, 'login error');
    expect(m.part('notice').textContent).toContain('Wrong username or password.');
    expect(m.clients).toHaveLength(0);

    form.querySelector<HTMLInputElement>('[name="password"]')!.value = 'secret';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle(m, () => m.clients.length === 1, 'softphone created');
    expect(m.client().options).toEqual({ login_token: 'jwt-1' });
    expect(m.part('registration').dataset.state).toBe('connecting');
  });

  it('waits for connect() when auto-connect="false"', async () => {
    const { el, server, clients } = createDialer();
    el.setAttribute('auto-connect', 'false');
    document.body.append(el);
    await el.updateComplete;
    expect(el.autoConnect).toBe(false);
    expect(server.state.tokensIssued).toBe(0);
    expect(clients).toHaveLength(0);
    await el.connect();
    expect(clients).toHaveLength(1);
  });

  it('signs out: unregisters, then shows the sign-in form', async () => {
    const m = await ready();
    click(m.part('logout-button'));
    await settle(m, () => m.el.shadowRoot!.querySelector('[part~="login-form"]') !== null, 'login form');
    expect(m.client().listenerCount).toBe(0);
    expect(m.client().disconnectCount).toBe(1);
    expect(m.server.state.authenticated).toBe(false);
    expect(m.socket().closed).toBe(true);
  });

  it('passes the sandbox host and offline ICE settings from the server', async () => {
    const m = await mount({ sandbox: true, host: 'ws://127.0.0.1:14100' });
    expect(m.client().options).toEqual({ login_token: 'jwt-1', host: 'ws://127.0.0.1:14100', iceServers: [], enableCallReports: false });
  });
});

describe('<telnyx-dialer> registration chip', () => {
  it('renders connecting, registered, reconnecting and failed with the SDK code', async () => {
    const m = await mount();
    const chip = () => m.part('registration');
    expect(chip().dataset.state).toBe('connecting');
    expect(chip().textContent?.trim()).toBe('Connecting…');

    m.client().emitReady();
    await m.el.updateComplete;
    expect(chip().dataset.state).toBe('registered');
    expect(chip().textContent?.trim()).toBe('Registered');

    m.client().emitSocketClose();
    await m.el.updateComplete;
    expect(chip().dataset.state).toBe('reconnecting');

    m.client().emitError(46001, 'Login failed', true);
    await m.el.updateComplete;
    expect(chip().dataset.state).toBe('failed');
    expect(chip().textContent?.trim()).toBe('Failed: 46001 Login failed');
  });

  it('tells the server its softphone state over the realtime socket, again after a reconnect', async () => {
    const m = await ready();
    const socket = m.socket();
    expect(socket.url).toBe('ws://dialer.test/api/events');
    expect(socket.sent.at(-1)).toEqual({ type: 'softphone.state', registration: 'registered', callState: 'idle' });
    m.client().emitSocketClose();
    await m.el.updateComplete;
    expect(socket.sent.at(-1)).toEqual({ type: 'softphone.state', registration: 'reconnecting', callState: 'idle' });
    expect(m.server.state.registration).toBe('reconnecting');
  });
});

describe('<telnyx-dialer> realtime socket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reconnects after a drop, re-sends the softphone state at once, and pings every 10 s', async () => {
    const m = await ready();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const first = m.socket();
    first.serverClose();
    vi.advanceTimersByTime(1_200); // 1 s backoff ± 20 %
    const second = m.socket();
    expect(second).not.toBe(first);
    expect(second.sent).toEqual([]);
    second.serverOpen();
    expect(second.sent).toEqual([{ type: 'softphone.state', registration: 'registered', callState: 'idle' }]);
    vi.advanceTimersByTime(10_000);
    expect(second.sent.at(-1)).toEqual({ type: 'ping' });
  });
});

describe('<telnyx-dialer> agent status', () => {
  it('refuses Available while unregistered: option disabled, reason shown, nothing sent', async () => {
    const m = await mount({ enforceRegistration: false });
    const available = m.part('status').querySelector<HTMLOptionElement>('option[value="available"]')!;
    expect(available.disabled).toBe(true);
    expect(m.part('status-hint').textContent).toContain('Available needs a registered softphone');

    expect(await m.el.setAgentStatus('available')).toBe(false);
    await m.el.updateComplete;
    expect(m.part('notice').getAttribute('role')).toBe('alert');
    expect(m.part('notice').textContent).toContain('Available needs a registered softphone');
    // This fake server would have accepted it: the refusal is the element's own.
    expect(m.server.state.agent.status).toBe('unavailable');
  });

  it('sets Available once registered and announces the change; follows server pushes', async () => {
    const m = await ready();
    const changes: unknown[] = [];
    m.el.addEventListener('dialer-status-change', (e) => changes.push(e.detail));
    const select = m.part<HTMLSelectElement>('status');
    expect(select.querySelector<HTMLOptionElement>('option[value="available"]')!.disabled).toBe(false);
    select.value = 'available';
    select.dispatchEvent(new Event('change'));
    await settle(m, () => m.server.state.agent.status === 'available' && changes.length === 1, 'status set');
    expect(changes).toEqual([{ status: 'available', previous: 'unavailable', reason: null }]);

    m.server.push({ type: 'agent.status', agent: { id: 'a-1', status: 'wrap_up', statusReason: null } });
    m.server.push({ type: 'agent.status', agent: { id: 'a-2', status: 'offline', statusReason: null } }); // someone else
    await m.el.updateComplete;
    expect(changes).toEqual([
      { status: 'available', previous: 'unavailable', reason: null },
      { status: 'wrap_up', previous: 'available', reason: null },
    ]);
    expect(m.part<HTMLSelectElement>('status').value).toBe('wrap_up');
    expect(m.part('status').querySelector('option[value="wrap_up"]')!.textContent).toContain('Wrap-up (30 s)');
    expect(m.part<HTMLSelectElement>('status').querySelector<HTMLOptionElement>('option[value="wrap_up"]')!.disabled).toBe(true);
  });

  it('shows the server refusal (409) and keeps the select on the real status', async () => {
    const m = await ready();
    const errors: unknown[] = [];
    document.addEventListener('dialer-error', (e) => errors.push(e.detail));
    m.server.state.registration = 'offline'; // the server has not heard of the registration yet
    const select = m.part<HTMLSelectElement>('status');
    select.value = 'available';
    select.dispatchEvent(new Event('change'));
    await settle(m, () => errors.length === 1, 'server error');
    await m.el.updateComplete;
    expect(errors).toEqual([{ code: 'agent_not_registered', message: 'The softphone is not registered.', fatal: false, source: 'server' }]);
    expect(m.part('notice').textContent).toContain('The softphone is not registered.');
    expect(m.part<HTMLSelectElement>('status').value).toBe('unavailable');
    expect(m.server.state.agent.status).toBe('unavailable');
  });
});

describe('<telnyx-dialer> events', () => {
  it('bubble out of the element and across an outer shadow root to the document', async () => {
    const outer = document.createElement('div');
    document.body.append(outer);
    const shadow = outer.attachShadow({ mode: 'open' });
    const seen: Array<{ type: string; path: EventTarget[] }> = [];
    for (const type of ['dialer-registration-change', 'dialer-call-state', 'dialer-call-end'] as const) {
      document.addEventListener(type, (e) => seen.push({ type, path: e.composedPath() }));
    }
    const m = await ready({}, shadow);
    const call = m.client().ringInbound();
    call.remoteHangup();
    expect(seen.map((s) => s.type)).toEqual([
      'dialer-registration-change', // connecting
      'dialer-registration-change', // registered
      'dialer-call-state', // ringing
      'dialer-call-state', // ending
      'dialer-call-state', // idle
      'dialer-call-end',
    ]);
    // A document listener hears them only if they left the outer shadow root (composed).
    expect(seen.every((s) => s.path.includes(shadow) && s.path.includes(outer))).toBe(true);
  });

  it('lets the page veto a hang-up with dialer-request-hangup', async () => {
    const m = await ready();
    const call = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-3' }] });
    call.setState('active');
    await m.el.updateComplete;
    let veto = true;
    const requests: unknown[] = [];
    document.addEventListener('dialer-request-hangup', (e) => {
      requests.push(e.detail);
      if (veto) e.preventDefault();
    });
    click(m.part('hangup-button'));
    await m.el.updateComplete;
    expect(requests).toEqual([{ callId: call.id, attemptId: 'att-3', source: 'button' }]);
    expect(call.hangups).toBe(0);
    expect(call.state).toBe('active');

    veto = false;
    expect(await m.el.hangup()).toBe(true);
    expect(call.hangups).toBe(1);
    expect(requests.at(-1)).toMatchObject({ source: 'method' });
  });
});
