// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { DialerCallStateDetail } from '../../../client/telnyx-dialer/events.ts';
import { click, enabled, key, ready, settle, type, type Mounted } from './dialer-fixture.ts';

describe('<telnyx-dialer> toolbar', () => {
  const toolbar = ['call-button', 'answer-button', 'hangup-button', 'mute-button', 'hold-button', 'transfer-button'];
  const enabledButtons = (m: Mounted) => toolbar.filter((p) => enabled(m, p));

  it('enables each button only in the call states where it applies', async () => {
    const m = await ready();
    expect(enabledButtons(m)).toEqual([]); // idle, no number
    type(m.part('number-input'), '+1 555 010 2030');
    await m.el.updateComplete;
    expect(enabledButtons(m)).toEqual(['call-button']);

    const call = m.client().ringInbound({ callerNumber: '+15557654321' });
    await m.el.updateComplete;
    expect(enabledButtons(m)).toEqual(['answer-button', 'hangup-button']);
    expect(m.part('hangup-button').getAttribute('aria-label')).toBe('Decline');
    expect(m.part('call-info').textContent).toContain('+15557654321');

    click(m.part('answer-button'));
    await m.el.updateComplete;
    expect(call.answers).toHaveLength(1);
    expect(enabledButtons(m)).toEqual(['hangup-button']); // answering

    call.setState('active');
    await m.el.updateComplete;
    expect(enabledButtons(m)).toEqual(['hangup-button', 'mute-button', 'hold-button']); // no attempt: no transfer
    expect(m.part('timer').textContent).toBe('0:00');

    click(m.part('hold-button'));
    await m.el.updateComplete;
    expect(m.part('hold-button').getAttribute('aria-busy')).toBe('true');
    expect(enabled(m, 'hold-button')).toBe(false);
    expect(m.part('hold-button').getAttribute('aria-pressed')).toBe('false');
    call.completeHold();
    await settle(m, () => m.part('hold-button').getAttribute('aria-busy') === 'false', 'hold settled');
    expect(m.part('hold-button').getAttribute('aria-pressed')).toBe('true');

    click(m.part('mute-button'));
    await m.el.updateComplete;
    expect(m.part('mute-button').getAttribute('aria-pressed')).toBe('true');
    expect(call.isAudioMuted).toBe(true);

    call.remoteHangup();
    await m.el.updateComplete;
    expect(enabledButtons(m)).toEqual(['call-button']);
  });

  it('keypad sends DTMF while active (buttons and keyboard) and types the number when idle', async () => {
    const m = await ready();
    const keyButton = (k: string) => m.el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="dialpad-key"][data-key="${k}"]`)!;
    click(keyButton('5'));
    click(keyButton('#'));
    await m.el.updateComplete;
    expect(m.part<HTMLInputElement>('number-input').value).toBe('5#');

    const call = m.client().ringInbound();
    call.setState('active');
    await m.el.updateComplete;
    expect(m.part('dialpad').getAttribute('aria-label')).toBe('Send tones');
    click(keyButton('1'));
    click(keyButton('*'));
    key(m.part('number-input'), { key: '9' });
    key(m.part('base'), { key: '#' });
    expect(call.dtmfSent).toBe('1*9#');
    expect(m.part<HTMLInputElement>('number-input').value).toBe('5#');

    click(m.part('keypad-button'));
    await m.el.updateComplete;
    expect(m.part('dialpad').hidden).toBe(true);
    expect(m.part('keypad-button').getAttribute('aria-pressed')).toBe('false');
  });

  it('answers with Alt+A and hangs up with Alt+H', async () => {
    const m = await ready();
    const call = m.client().ringInbound();
    await m.el.updateComplete;
    key(m.part('base'), { code: 'KeyA', key: 'å', altKey: true });
    expect(call.answers).toHaveLength(1);
    call.setState('active');
    await m.el.updateComplete;
    key(m.part('base'), { code: 'KeyH', key: '˙', altKey: true });
    await settle(m, () => call.hangups === 1, 'hung up');
    expect(call.state).toBe('hangup');
  });
});

describe('<telnyx-dialer> server-placed calls', () => {
  it('auto-answers only calls carrying X-Dialer-Attempt', async () => {
    const m = await ready();
    const plain = m.client().ringInbound({ customHeaders: [{ name: 'X-Other', value: '1' }] });
    await m.el.updateComplete;
    expect(plain.answers).toHaveLength(0);
    expect(plain.state).toBe('ringing');
    expect(enabled(m, 'answer-button')).toBe(true);
    plain.hangup();
    plain.setState('destroy');

    const states: DialerCallStateDetail[] = [];
    document.addEventListener('dialer-call-state', (e) => states.push(e.detail));
    const placed = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-9' }] });
    await m.el.updateComplete;
    expect(placed.answers).toHaveLength(1);
    expect(placed.state).toBe('answering');
    expect(enabled(m, 'answer-button')).toBe(false);
    expect(states.map((s) => [s.state, s.attemptId])).toEqual([
      ['ringing', 'att-9'],
      ['dialing', 'att-9'],
    ]);
  });

  it('click-to-call asks the server, shows progress, then auto-answers the agent leg with the customer number', async () => {
    const m = await ready();
    type(m.part('number-input'), '+1 (555) 010-2030');
    const callerId = m.part<HTMLSelectElement>('caller-id');
    callerId.value = '+15550100002';
    callerId.dispatchEvent(new Event('change'));
    await m.el.updateComplete;
    click(m.part('call-button'));
    await settle(m, () => m.server.state.attempts.length === 1, 'attempt created');
    expect(m.server.state.attempts[0]).toEqual({ id: 'att-1', to: '+15550102030', callerId: '+15550100002', hungUp: false });
    await settle(m, () => !enabled(m, 'call-button') && enabled(m, 'hangup-button'), 'placing state');
    expect(m.part('call-info').textContent).toContain('Connecting you to +15550102030');

    const leg = m.client().ringInbound({ callerNumber: '+15550100002', customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-1' }] });
    leg.setState('active');
    await m.el.updateComplete;
    expect(m.part('call-info').textContent).toContain('On call with');
    expect(m.part('call-info').textContent).toContain('+15550102030');
    expect(enabled(m, 'transfer-button')).toBe(true);

    leg.remoteHangup();
    await m.el.updateComplete;
    expect(m.part('call-info').textContent?.trim()).toBe('Ready');
    expect(enabled(m, 'call-button')).toBe(true); // ready for the next number
    expect(enabled(m, 'hangup-button')).toBe(false);
  });

  it('cancels a click-to-call at the server when hung up before the softphone rings', async () => {
    const m = await ready();
    type(m.part('number-input'), '+15550102030');
    await m.el.updateComplete;
    click(m.part('call-button'));
    await settle(m, () => m.server.state.attempts.length === 1 && enabled(m, 'hangup-button'), 'placing');
    click(m.part('hangup-button'));
    await settle(m, () => m.server.state.attempts[0]!.hungUp, 'attempt hung up');
    await settle(m, () => !enabled(m, 'hangup-button'), 'back to idle');
    expect(m.part('call-info').textContent).toContain('Ready');
  });

  it('lists only other Available agents, refreshes on agents.changed, and transfers', async () => {
    const m = await ready();
    const call = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-7' }] });
    call.setState('active');
    await m.el.updateComplete;
    m.server.state.agent.status = 'available'; // self is available too, and must not be listed
    click(m.part('transfer-button'));
    await settle(m, () => m.parts('transfer-agent').length === 1, 'agent list');
    expect(m.parts('transfer-agent').map((b) => b.textContent?.trim())).toEqual(['Cleo Free']);
    expect(m.part('transfer-button').getAttribute('aria-expanded')).toBe('true');

    m.server.state.others[0]!.status = 'available';
    m.server.push({ type: 'agents.changed' });
    await settle(m, () => m.parts('transfer-agent').length === 2, 'refreshed list');

    m.server.state.others[0]!.status = 'busy'; // Bob went busy before the click
    click(m.parts('transfer-agent')[0]!);
    await settle(m, () => m.parts('transfer-agent').length === 1, 'list refreshed after 409');
    expect(m.part('notice').textContent).toContain('no longer available');
    expect(m.server.state.transfers).toEqual([]);

    click(m.parts('transfer-agent')[0]!);
    await settle(m, () => m.server.state.transfers.length === 1, 'transferred');
    expect(m.server.state.transfers).toEqual([{ attemptId: 'att-7', agentId: 'a-3' }]);
    await settle(m, () => m.el.shadowRoot!.querySelector('[part~="transfer-panel"]') === null, 'panel closed');
    expect(m.part('notice').textContent).toContain('Transferring to Cleo Free');
  });

  it('closes the transfer list when the call ends', async () => {
    const m = await ready();
    const call = m.client().ringInbound({ customHeaders: [{ name: 'X-Dialer-Attempt', value: 'att-8' }] });
    call.setState('active');
    await m.el.updateComplete;
    click(m.part('transfer-button'));
    await settle(m, () => m.parts('transfer-agent').length === 1, 'agent list');
    call.remoteHangup();
    await m.el.updateComplete;
    expect(m.el.shadowRoot!.querySelector('[part~="transfer-panel"]')).toBeNull();
    expect(m.part('transfer-button').getAttribute('aria-expanded')).toBe('false');
  });

  it('dials from the softphone itself in dial-mode="direct", with the chosen caller ID', async () => {
    const m = await ready();
    m.el.setAttribute('dial-mode', 'direct');
    type(m.part('number-input'), '+1 555 010 2030');
    const callerId = m.part<HTMLSelectElement>('caller-id');
    callerId.value = '+15550100001';
    callerId.dispatchEvent(new Event('change'));
    await m.el.updateComplete;
    key(m.part('number-input'), { key: 'Enter' });
    await settle(m, () => m.client().calls.length === 1, 'call placed');
    const call = m.client().calls[0]!;
    expect(call.options).toEqual({ destinationNumber: '+15550102030', callerNumber: '+15550100001' });
    expect(m.server.state.attempts).toEqual([]);
    expect(m.part('call-info').textContent).toContain('Calling +15550102030');
    call.setState('requesting').setState('trying').setState('active');
    await m.el.updateComplete;
    expect(m.part('call-info').textContent).toContain('On call with +15550102030');
  });
});
