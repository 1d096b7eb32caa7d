/**
 * The Verto conversation without media: login quirks, keepalive, registry, path handling
 * (webrtc-sdk.md §2.2–2.4).
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { createRtcGateway } from '../../../sandbox/rtc/index.ts';
import { FakeVertoClient } from './fake-verto-client.ts';
import { startRig, type Rig } from './rig.ts';
import { waitFor } from './wait.ts';

let rig: Rig;
afterEach(async () => {
  await rig?.close();
});

describe('login → clientReady → gatewayState', () => {
  it('follows the SDK framing quirks exactly', async () => {
    rig = await startRig();
    const registered: string[] = [];
    rig.gateway.on('registered', ({ sipUsername }) => registered.push(sipUsername));
    const client = await FakeVertoClient.connect(`${rig.origin}/rtc?voice_sdk_id=abc&canary=true`);

    const login = await client.login('token-alice');
    expect(login.error).toBeUndefined();
    // No params (so no params.state): the SDK would never store the sessid otherwise.
    expect(login.result).toEqual({ message: 'logged in', sessid: expect.any(String) });
    expect(login.jsonrpc).toBe('2.0');

    const ready = await client.waitForServerRequest('telnyx_rtc.clientReady');
    expect(typeof ready.id).toBe('number');
    expect(ready.params).toEqual({ reattached_sessions: [] });
    // The client's ack of clientReady gets no answer.
    await waitFor(() => client.sent.some((frame) => frame.id === ready.id), 2000, 'ack sent');

    const state = await client.request('telnyx_rtc.gatewayState', {});
    expect(state.result).toEqual({ params: { state: 'REGED' }, sessid: login.result!.sessid });
    expect(state.result!.params).not.toHaveProperty('call_report_id');

    expect(rig.gateway.isRegistered('gencredalice')).toBe(true);
    expect(rig.gateway.registrations()).toEqual(['gencredalice']);
    expect(registered).toEqual(['gencredalice']);
    expect(rig.lines()).toEqual(['rtc login agent=gencredalice → ok', 'rtc registered gencredalice']);
    // Nothing but the login reply, clientReady and the REGED reply: acks are ignored.
    expect(client.frames).toHaveLength(3);
  });

  it('refuses a bad token with -32001 (never -32000) and does not register', async () => {
    rig = await startRig();
    const client = await FakeVertoClient.connect(`${rig.origin}/rtc`);
    const reply = await client.login('forged');
    expect(reply.result).toBeUndefined();
    expect(reply.error?.code).toBe(-32001);
    expect(reply.error?.message).toMatch(/invalid, expired/);
    expect(rig.gateway.isRegistered('gencredalice')).toBe(false);
    expect(client.serverRequests('telnyx_rtc.clientReady')).toHaveLength(0);
    expect(rig.lines()).toEqual(['rtc login agent=unknown → refused']);
    // Not logged in: the gateway state is NOREG and calls need authentication.
    expect((await client.request('telnyx_rtc.gatewayState', {})).result?.params).toEqual({ state: 'NOREG' });
    expect((await client.request('telnyx_rtc.invite', { sdp: 'x', dialogParams: { callID: 'c' } })).error?.code).toBe(-32000);
  });

  it('refuses SIP-credential logins (login/passwd): tokens only', async () => {
    rig = await startRig();
    const client = await FakeVertoClient.connect(`${rig.origin}/rtc`);
    const reply = await client.request('login', { login: 'gencredalice', passwd: 'secret', userVariables: {} });
    expect(reply.error?.code).toBe(-32001);
    expect(reply.error?.message).toMatch(/login_token/);
    expect(rig.lines()).toEqual(['rtc login agent=gencredalice → refused']);
  });

  it('refuses when verifyLoginToken throws', async () => {
    rig = await startRig({
      verifyLoginToken: () => {
        throw new Error('boom');
      },
    });
    const client = await FakeVertoClient.connect(`${rig.origin}/rtc`);
    expect((await client.login('token-alice')).error?.code).toBe(-32001);
  });
});

describe('keepalive and generic methods', () => {
  it('answers client pings at once, before and after login', async () => {
    rig = await startRig();
    const client = await FakeVertoClient.connect(`${rig.origin}/rtc`);
    const early = await client.request('telnyx_rtc.ping', {});
    expect(early.result).toBeDefined();
    await client.loginAndRegister('token-alice');
    const ping = await client.request('telnyx_rtc.ping', { serno: 1 });
    expect(ping.error).toBeUndefined();
    expect(ping.result).toEqual({ method: 'telnyx_rtc.ping' });
  });

  it('sends a server ping every pingIntervalMs on the scheduler, and stops after close', async () => {
    rig = await startRig({ pingIntervalMs: 15_000 });
    const client = await rig.agent('gencredalice');
    await rig.scheduler.advance(14_999);
    expect(client.serverRequests('telnyx_rtc.ping')).toHaveLength(0);
    await rig.scheduler.advance(1);
    const first = await client.waitForServerRequest('telnyx_rtc.ping');
    expect(typeof first.id).toBe('number');
    expect(first.params).toEqual({});
    await rig.scheduler.advance(30_000);
    await waitFor(() => client.serverRequests('telnyx_rtc.ping').length === 3, 2000, 'three pings');
    await client.close();
    await waitFor(() => !rig.gateway.isRegistered('gencredalice'), 2000, 'unregistered');
    expect(rig.scheduler.pending).toBe(0);
  });

  it('gives unknown methods a generic result and malformed frames an error', async () => {
    rig = await startRig();
    const client = await rig.agent('gencredalice');
    expect((await client.request('telnyx_rtc.debug_report_start', { debug_report_id: 'x' })).result).toEqual({});
    client.sendRaw('{not json');
    await waitFor(() => client.frames.some((frame) => frame.error?.code === -32700), 2000, 'parse error');
    // An ack of an unknown server request id is ignored silently.
    const before = client.frames.length;
    client.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: 999, result: { method: 'telnyx_rtc.ping' } }));
    await client.request('telnyx_rtc.ping', {});
    expect(client.frames.length).toBe(before + 1);
  });
});

describe('registry', () => {
  it('lets the last registration of a SIP user win', async () => {
    rig = await startRig();
    const events: string[] = [];
    rig.gateway.on('registered', ({ sipUsername }) => events.push(`+${sipUsername}`));
    rig.gateway.on('unregistered', ({ sipUsername, reason }) => events.push(`-${sipUsername} ${reason}`));
    const first = await rig.agent('gencredalice');
    const second = await rig.agent('gencredalice');
    expect(events).toEqual(['+gencredalice', '-gencredalice replaced', '+gencredalice']);
    // The first socket stays open but is no longer registered.
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
    expect((await first.request('telnyx_rtc.gatewayState', {})).result?.params).toEqual({ state: 'UNREGED' });
    expect((await second.request('telnyx_rtc.gatewayState', {})).result?.params).toEqual({ state: 'REGED' });
    // Closing the replaced socket does not unregister the live one.
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rig.gateway.isRegistered('gencredalice')).toBe(true);
    await second.close();
    await waitFor(() => !rig.gateway.isRegistered('gencredalice'), 2000, 'unregistered');
    expect(events.at(-1)).toBe('-gencredalice socket closed');
    expect(rig.lines()).toEqual([
      'rtc login agent=gencredalice → ok',
      'rtc registered gencredalice',
      'rtc login agent=gencredalice → ok',
      'rtc unregistered gencredalice (replaced)',
      'rtc registered gencredalice',
      'rtc unregistered gencredalice (socket closed)',
    ]);
  });

  it('keeps different users apart and returns null when ringing an unregistered user', async () => {
    rig = await startRig();
    await rig.agent('gencredalice');
    await rig.agent('gencredbob');
    expect(rig.gateway.registrations()).toEqual(['gencredalice', 'gencredbob']);
    expect(rig.gateway.ringClient('gencrednobody', { callerName: 'A', callerNumber: '+1' })).toBeNull();
  });

  it('close() drops every socket and registration', async () => {
    rig = await startRig();
    const client = await rig.agent('gencredalice');
    const reasons: string[] = [];
    rig.gateway.on('unregistered', ({ reason }) => reasons.push(reason));
    await rig.gateway.close();
    await waitFor(() => client.ws.readyState === WebSocket.CLOSED, 2000, 'socket closed');
    expect(reasons).toEqual(['gateway closed']);
    expect(rig.gateway.isRegistered('gencredalice')).toBe(false);
  });
});

describe('attach(server, path)', () => {
  it('takes only upgrades under its path and leaves the others to other listeners', async () => {
    const gateway = createRtcGateway({ scheduler: new VirtualScheduler(), verifyLoginToken: () => ({ sipUsername: 'gencredx' }) });
    const server = createServer();
    gateway.attach(server, '/rtc');
    const otherPaths: string[] = [];
    server.on('upgrade', (req, socket) => {
      if (!req.url?.startsWith('/api/events')) return;
      otherPaths.push(req.url);
      socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const opened = await FakeVertoClient.connect(`${origin}/rtc/anything?voice_sdk_id=1`);
      expect((await opened.login('t')).result?.message).toBe('logged in');
      await opened.close();
      await expect(FakeVertoClient.connect(`${origin}/api/events`)).rejects.toThrow(/418/);
      expect(otherPaths).toEqual(['/api/events']);
    } finally {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers 404 to foreign upgrades when it is the only upgrade listener', async () => {
    rig = await startRig();
    await expect(FakeVertoClient.connect(`${rig.origin}/elsewhere`)).rejects.toThrow(/404/);
    // '/rtcx' is not under '/rtc'.
    await expect(FakeVertoClient.connect(`${rig.origin}/rtcx`)).rejects.toThrow(/404/);
  });
});
