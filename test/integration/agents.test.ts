/**
 * Users, login, the softphone's credentials, and agent presence, end to end: the real
 * server and sandbox over real HTTP and WebSockets, on a virtual clock.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseCreateUserArgs, runCreateUser } from '../../server/cli/create-user.ts';
import { EventsSocket, request, type UserSession } from '../helpers/dialer.ts';
import { useTestDialer } from '../helpers/use-test-dialer.ts';

const dialer = useTestDialer();

const login = (username: string, password: string, extra: Record<string, unknown> = {}) =>
  request(`${dialer.running.url}/api/auth/login`, 'POST', { username, password, ...extra });

const statusOf = async (session: UserSession, agentId: string) =>
  (await session.api('GET', '/api/agents')).body.agents.find((agent: { id: string }) => agent.id === agentId);

/** An agent with a softphone session, a registered socket, and the given status. */
async function readyAgent(username: string, status?: 'available'): Promise<{ session: UserSession; socket: EventsSocket }> {
  const session = await dialer.login(username);
  expect((await session.api('GET', '/api/softphone/session')).status).toBe(200);
  const socket = await session.events();
  await socket.register();
  if (status) expect((await session.api('PUT', '/api/agents/me/status', { status })).status).toBe(200);
  return { session, socket };
}

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie that /api/auth/me accepts, until logout', async () => {
    const password = dialer.running.demoUsers.find((user) => user.username === 'agent1')!.password;
    const response = await login('Agent1', password);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      user: { id: expect.any(String), username: 'agent1', displayName: 'Agent One', role: 'agent' },
      csrfToken: expect.stringMatching(/^[\w-]{32}$/),
    });
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^dialer_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const cookie = setCookie.split(';')[0]!;

    const me = await request(`${dialer.running.url}/api/auth/me`, 'GET', undefined, { cookie });
    expect(me.body).toEqual(response.body);
    // Only the token's hash is stored.
    const stored = await dialer.database.db.selectFrom('sessions').selectAll().execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(cookie.split('=')[1]);

    const logout = await request(`${dialer.running.url}/api/auth/logout`, 'POST', undefined, { cookie, 'x-csrf-token': response.body.csrfToken });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await request(`${dialer.running.url}/api/auth/me`, 'GET', undefined, { cookie });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('marks the cookie Secure when the public URL is https, and lets the socket open from that origin', async () => {
    await dialer.restart({ env: { PUBLIC_BASE_URL: 'https://dialer.example.test' } });
    const password = dialer.running.demoUsers.find((user) => user.username === 'agent1')!.password;
    const response = await login('agent1', password);
    expect(response.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
    const agent = await dialer.login('agent1');
    const socket = await agent.events({ origin: 'https://dialer.example.test' });
    await socket.register();
    await socket.close();
    await expect(agent.events({ origin: 'http://dialer.example.test' })).rejects.toThrow('403');
  });

  it('gives a bearer token instead of a cookie when asked', async () => {
    const password = dialer.running.demoUsers.find((user) => user.username === 'supervisor')!.password;
    const response = await login('supervisor', password, { tokenType: 'bearer' });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.body.token).toMatch(/^[\w-]{43}$/);
    const me = await request(`${dialer.running.url}/api/auth/me`, 'GET', undefined, { authorization: `Bearer ${response.body.token}` });
    expect(me.body.user).toMatchObject({ username: 'supervisor', role: 'supervisor' });
    const admin = await dialer.api('GET', '/api/auth/me');
    expect(admin.body).toEqual({ user: { id: 'admin-token', username: 'admin-token', displayName: 'Admin (API token)', role: 'admin' }, csrfToken: null });
  });

  it('answers unknown users and wrong passwords alike, and refuses the 6th failure in 15 minutes', async () => {
    const unknown = await login('nobody', 'whatever-password');
    const wrong = await login('agent1', 'wrong-password');
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    for (let i = 0; i < 4; i++) expect((await login('agent1', `wrong-${i}`)).status).toBe(401);
    const password = dialer.running.demoUsers.find((user) => user.username === 'agent1')!.password;
    const limited = await login('agent1', password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('900');
    // Another user from the same address is not locked out (the IP limit is 20).
    expect((await login('agent2', 'wrong')).status).toBe(401);

    await dialer.scheduler.advance(15 * 60_000);
    expect((await login('agent1', password)).status).toBe(200);
  });

  it('requires the CSRF token on unsafe requests of a cookie session', async () => {
    const agent = await dialer.login('agent1');
    const missing = await agent.api('PUT', '/api/agents/me/status', { status: 'unavailable' }, { 'x-csrf-token': '' });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf_failed');
    const noHeader = await request(`${dialer.running.url}/api/agents/me/status`, 'PUT', { status: 'unavailable' }, { cookie: agent.cookie! });
    expect(noHeader.body.error.code).toBe('csrf_failed');
    expect((await agent.api('PUT', '/api/agents/me/status', { status: 'unavailable' })).status).toBe(200);
    expect((await request(`${dialer.running.url}/api/agents`, 'GET', undefined, { cookie: agent.cookie! })).status).toBe(200);
  });
});

describe('users', () => {
  it('lets admins create, change and disable users; a disabled user is logged out', async () => {
    const admin = await dialer.login('admin');
    const created = await admin.api('POST', '/api/users', { username: 'Agent3', displayName: 'Agent Three', role: 'agent', password: 'long-enough-1' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username: 'agent3', displayName: 'Agent Three', role: 'agent', disabled: false });
    expect(created.body.user).not.toHaveProperty('password_hash');
    expect((await admin.api('POST', '/api/users', { username: 'agent3', role: 'agent', password: 'long-enough-1' })).status).toBe(409);
    expect((await admin.api('POST', '/api/users', { username: 'x', role: 'boss', password: 'short' })).body.error.details.fields).toHaveLength(3);

    const bearer = (await login('agent3', 'long-enough-1', { tokenType: 'bearer' })).body.token;
    const me = () => request(`${dialer.running.url}/api/auth/me`, 'GET', undefined, { authorization: `Bearer ${bearer}` });
    expect((await me()).status).toBe(200);
    expect((await admin.api('GET', '/api/agents')).body.agents.map((agent: { displayName: string }) => agent.displayName)).toContain('Agent Three');

    const disabled = await admin.api('PATCH', `/api/users/${created.body.user.id}`, { disabled: true });
    expect(disabled.body.user.disabled).toBe(true);
    expect((await me()).status).toBe(401);
    expect((await login('agent3', 'long-enough-1')).status).toBe(401);
    expect((await admin.api('GET', '/api/users')).body.users.map((user: { username: string }) => user.username)).toEqual([
      'admin',
      'agent1',
      'agent2',
      'agent3',
      'supervisor',
    ]);
  });
});

describe('npm run create-user', () => {
  it('parses its arguments and refuses bad ones with the usage line', () => {
    expect(parseCreateUserArgs(['--username', 'Alice', '--role', 'admin'])).toEqual({ username: 'alice', role: 'admin', displayName: 'alice', reset: false });
    expect(parseCreateUserArgs(['--username', 'bob', '--role', 'agent', '--display-name', ' Bob B ', '--reset'])).toMatchObject({ displayName: 'Bob B', reset: true });
    expect(() => parseCreateUserArgs(['--username', 'bob', '--role', 'boss'])).toThrow(/--role: one of admin, supervisor, agent.\nUsage: npm run create-user/);
    expect(() => parseCreateUserArgs(['--role', 'agent'])).toThrow('--username');
    expect(() => parseCreateUserArgs(['--username', 'bob', '--role', 'agent', '--password', 'x'])).toThrow();
  });

  it('creates a user who can log in, and only resets one with --reset', async () => {
    const now = new Date(dialer.scheduler.now());
    const args = parseCreateUserArgs(['--username', 'alice', '--role', 'admin']);
    expect(await runCreateUser(dialer.database.db, args, 'first-password-1', now)).toBe('created');
    expect((await login('alice', 'first-password-1')).body.user).toMatchObject({ username: 'alice', role: 'admin' });
    await expect(runCreateUser(dialer.database.db, args, 'second-password-2', now)).rejects.toThrow('add --reset');
    await expect(runCreateUser(dialer.database.db, { ...args, reset: true }, 'short', now)).rejects.toThrow('at least 10 characters');
    expect(await runCreateUser(dialer.database.db, { ...args, role: 'supervisor', reset: true }, 'second-password-2', now)).toBe('updated');
    expect((await login('alice', 'first-password-1')).status).toBe(401);
    expect((await login('alice', 'second-password-2')).body.user.role).toBe('supervisor');
  });
});

describe('softphone session', () => {
  it('mints a fresh login token the sandbox accepts, on one credential, with the RTC host the browser used', async () => {
    const agent = await dialer.login('agent1');
    const get = () =>
      new Promise<any>((resolve, reject) => {
        const url = new URL(`${dialer.running.url}/api/softphone/session`);
        const req = httpRequest(url, { headers: { cookie: agent.cookie!, host: 'dialer.example.test:8080' } }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, cacheControl: res.headers['cache-control'], body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.cacheControl).toBe('no-store');
    const credential = dialer.sandbox.credentials.verifyToken(first.body.rtc.loginToken)!;
    expect(credential.name).toBe('agent-agent1');
    expect(first.body).toEqual({
      agent: { id: agent.user.id, displayName: 'Agent One', sipUri: `sip:${credential.sip_username}@sip.telnyx.com`, status: 'offline', statusReason: null },
      rtc: {
        loginToken: first.body.rtc.loginToken,
        expiresAt: new Date(dialer.scheduler.now() + 24 * 3600_000).toISOString(),
        host: `ws://dialer.example.test:${new URL(dialer.running.sandbox!.url).port}/rtc`,
      },
      callerIds: ['+13125550100'],
      wrapUpSeconds: 30,
      sandbox: true,
    });
    expect(JSON.stringify(first.body)).not.toContain(credential.sip_password);

    const second = await get();
    expect(second.body.rtc.loginToken).not.toBe(first.body.rtc.loginToken);
    expect(dialer.sandbox.credentials.verifyToken(second.body.rtc.loginToken)!.id).toBe(credential.id);
    expect(dialer.sandbox.control.lines()).toEqual([
      'api POST /telephony_credentials → 201 credential',
      'api POST /telephony_credentials/:id/token → 201 token',
      'api POST /telephony_credentials/:id/token → 201 token',
    ]);
    const row = await dialer.database.db.selectFrom('agents').selectAll().where('user_id', '=', agent.user.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ telephony_credential_id: credential.id, sip_username: credential.sip_username });
    expect(JSON.stringify(row)).not.toContain(credential.sip_password);

    // A sandbox restart (or a credential deleted in Mission Control): a new credential, once.
    dialer.sandbox.control.reset();
    const renewed = await get();
    expect(renewed.status).toBe(200);
    const replacement = dialer.sandbox.credentials.verifyToken(renewed.body.rtc.loginToken)!;
    expect(renewed.body.agent.sipUri).toBe(`sip:${replacement.sip_username}@sip.telnyx.com`);
    expect(dialer.sandbox.control.lines()).toEqual([
      expect.stringMatching(/^api POST \/telephony_credentials\/:id\/token → 404/),
      'api POST /telephony_credentials → 201 credential',
      'api POST /telephony_credentials/:id/token → 201 token',
    ]);
  });
});

describe('presence', () => {
  it('refuses Available until the softphone is registered, and Busy or Wrap-up from the agent', async () => {
    const agent = await dialer.login('agent1');
    const early = await agent.api('PUT', '/api/agents/me/status', { status: 'available' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('agent_not_registered');
    for (const status of ['busy', 'wrap_up']) {
      expect((await agent.api('PUT', '/api/agents/me/status', { status })).status).toBe(422);
    }
    const unavailable = await agent.api('PUT', '/api/agents/me/status', { status: 'unavailable', reason: 'training' });
    expect(unavailable.body.agent).toEqual({ id: agent.user.id, displayName: 'Agent One', status: 'unavailable', statusReason: 'training', registered: false });
  });

  it('follows the softphone socket: registered → Available; closed → Unavailable, and supervisors are told', async () => {
    const supervisor = await dialer.login('supervisor', { tokenType: 'bearer' });
    const watch = await supervisor.events();
    const { session: agent, socket } = await readyAgent('agent1');

    const since = watch.messages.length;
    const available = await agent.api('PUT', '/api/agents/me/status', { status: 'available' });
    expect(available.body.agent).toMatchObject({ status: 'available', registered: true });
    expect(await watch.next((m) => m.type === 'agent.status' && m.agent.status === 'available', since)).toEqual({
      type: 'agent.status',
      agent: { id: agent.user.id, status: 'available', statusReason: null, registered: true },
    });
    await watch.next((m) => m.type === 'agents.changed', since);
    expect((await supervisor.api('GET', '/api/agents?status=available')).body.agents).toEqual([
      { id: agent.user.id, displayName: 'Agent One', status: 'available', statusReason: null, registered: true },
    ]);

    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');

    const lost = watch.messages.length;
    await socket.close();
    expect(await watch.next((m) => m.type === 'agent.status' && m.agent.status !== 'available', lost)).toEqual({
      type: 'agent.status',
      agent: { id: agent.user.id, status: 'unavailable', statusReason: 'softphone_disconnected', registered: false },
    });
    expect((await supervisor.api('GET', '/api/agents?status=available')).body.agents).toEqual([]);
    await watch.close();
  });

  it('marks a silent softphone lost after AGENT_HEARTBEAT_TIMEOUT_MS of virtual time, and closes its socket', async () => {
    const { session: agent, socket } = await readyAgent('agent1', 'available');
    await dialer.scheduler.advance(20_000);
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');
    await dialer.scheduler.advance(20_000);
    expect((await statusOf(agent, agent.user.id)).status).toBe('available');
    await dialer.scheduler.advance(5_000);
    expect(await statusOf(agent, agent.user.id)).toMatchObject({ status: 'unavailable', statusReason: 'softphone_disconnected', registered: false });
    expect(await socket.closed).toEqual({ code: 4000, reason: 'heartbeat timeout' });
  });

  it('refuses sockets without a session, and cookie sockets from another site', async () => {
    const agent = await dialer.login('agent1');
    const url = `${dialer.running.url.replace('http', 'ws')}/api/events`;
    await expect(EventsSocket.open(url, {})).rejects.toThrow('events socket refused: 401');
    await expect(EventsSocket.open(`${url}?token=not-a-session`, {})).rejects.toThrow('events socket refused: 401');
    await expect(agent.events({ origin: 'https://evil.example' })).rejects.toThrow('events socket refused: 403');
    const sameHost = await agent.events({ origin: dialer.running.url });
    await sameHost.close();
  });

  it('makes the agent Busy during a click-to-call, Wrap-up after it, and Available after AGENT_WRAP_UP_S', async () => {
    await dialer.restart({ env: { AGENT_HEARTBEAT_TIMEOUT_MS: '3600000', AGENT_WRAP_UP_S: '30' } });
    const agent = await dialer.login('agent1');
    const unregistered = await agent.api('POST', '/api/calls', { to: '+15550001234' });
    expect(unregistered.status).toBe(409);
    expect(unregistered.body.error.code).toBe('agent_not_registered');

    const { socket } = await readyAgent('agent1', 'available');
    const sipUri = (await agent.api('GET', '/api/softphone/session')).body.agent.sipUri;
    const notMine = await agent.api('POST', '/api/calls', { to: '+15550001234', agent: 'sip:someone@sip.telnyx.com' });
    expect(notMine.status).toBe(403);
    const call = await agent.api('POST', '/api/calls', { to: '+15550001234' });
    expect(call.status).toBe(201);
    expect(call.body.attempt).toMatchObject({ agent_sip: sipUri, legs: [{ role: 'agent', agent_id: agent.user.id }] });

    await dialer.scheduler.advance(2_000); // the softphone answered at +1 s
    expect((await statusOf(agent, agent.user.id)).status).toBe('busy');
    const onCall = await agent.api('PUT', '/api/agents/me/status', { status: 'offline' });
    expect(onCall.status).toBe(409);
    await dialer.scheduler.advance(33_000); // the customer hung up at +35 s
    expect((await agent.api('GET', `/api/calls/${call.body.attempt.id}`)).body.attempt.status).toBe('completed');
    expect((await statusOf(agent, agent.user.id)).status).toBe('wrap_up');
    await dialer.scheduler.advance(29_000);
    expect((await statusOf(agent, agent.user.id)).status).toBe('wrap_up');
    await dialer.scheduler.advance(1_000);
    expect((await statusOf(agent, agent.user.id)).status).toBe('available');
    const statuses = socket.messages.filter((m) => m.type === 'agent.status').map((m) => m.agent.status);
    expect(statuses).toEqual(['offline', 'available', 'busy', 'wrap_up', 'available']);

    // Another call, ended early with "done".
    const again = await agent.api('POST', '/api/calls', { to: '+15550001234' });
    await dialer.scheduler.advance(36_000);
    expect((await statusOf(agent, agent.user.id)).status).toBe('wrap_up');
    const done = await agent.api('POST', '/api/agents/me/wrap-up/done');
    expect(done.body.agent.status).toBe('available');
    expect((await agent.api('POST', '/api/agents/me/wrap-up/done')).status).toBe(409);
    // Only the agent on a call may see it.
    const other = await dialer.login('agent2');
    expect((await other.api('GET', `/api/calls/${again.body.attempt.id}`)).status).toBe(403);

    const logout = await agent.api('POST', '/api/auth/logout');
    expect(logout.status).toBe(204);
    expect((await dialer.api('GET', '/api/agents')).body.agents.find((a: { id: string }) => a.id === agent.user.id).status).toBe('offline');
    await socket.close();
  });
});
