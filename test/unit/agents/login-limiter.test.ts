import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../lib/scheduler.ts';
import { LoginRateLimiter } from '../../../server/agents/login-limiter.ts';

const MINUTE = 60_000;

function failTimes(limiter: LoginRateLimiter, username: string, ip: string, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(limiter.check(username, ip)).toEqual({ allowed: true });
    limiter.recordFailure(username, ip);
  }
}

describe('LoginRateLimiter', () => {
  it('allows 5 failures per username and IP, then refuses for the rest of the 15 minutes', async () => {
    const clock = new VirtualScheduler();
    const limiter = new LoginRateLimiter(clock);
    failTimes(limiter, 'agent1', '10.0.0.1', 5);
    expect(limiter.check('agent1', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 900 });
    // Usernames are compared case-insensitively; other IPs and other users are not affected.
    expect(limiter.check('AGENT1', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 900 });
    expect(limiter.check('agent1', '10.0.0.2')).toEqual({ allowed: true });
    expect(limiter.check('agent2', '10.0.0.1')).toEqual({ allowed: true });

    await clock.advance(15 * MINUTE - 1000);
    expect(limiter.check('agent1', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 1 });
    await clock.advance(1000);
    expect(limiter.check('agent1', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('slides: the oldest failure leaving the window frees one attempt', async () => {
    const clock = new VirtualScheduler();
    const limiter = new LoginRateLimiter(clock);
    for (let i = 0; i < 5; i++) {
      limiter.recordFailure('agent1', 'ip');
      await clock.advance(MINUTE);
    }
    // Failures at 0, 1, 2, 3, 4 min; now 5 min: the first leaves the window at 15 min.
    expect(limiter.check('agent1', 'ip')).toEqual({ allowed: false, retryAfterS: 600 });
    await clock.advance(10 * MINUTE);
    expect(limiter.check('agent1', 'ip')).toEqual({ allowed: true });
    limiter.recordFailure('agent1', 'ip');
    // Failures at 1, 2, 3, 4, 15 min: blocked until 16 min.
    expect(limiter.check('agent1', 'ip')).toEqual({ allowed: false, retryAfterS: 60 });
  });

  it('allows 20 failures per IP across usernames', () => {
    const limiter = new LoginRateLimiter(new VirtualScheduler());
    for (let i = 0; i < 20; i++) failTimes(limiter, `user${i}`, '10.0.0.9', 1);
    expect(limiter.check('someone-new', '10.0.0.9')).toEqual({ allowed: false, retryAfterS: 900 });
    expect(limiter.check('someone-new', '10.0.0.10')).toEqual({ allowed: true });
  });

  it('clears the username and IP count on success, but not the IP count', () => {
    const limiter = new LoginRateLimiter(new VirtualScheduler(), { perUserAndIp: 2, perIp: 3, windowMs: MINUTE });
    failTimes(limiter, 'agent1', 'ip', 2);
    expect(limiter.check('agent1', 'ip').allowed).toBe(false);
    limiter.recordSuccess('agent1', 'ip');
    expect(limiter.check('agent1', 'ip')).toEqual({ allowed: true });
    limiter.recordFailure('agent1', 'ip');
    // The IP now has three failures in the window.
    expect(limiter.check('agent2', 'ip')).toEqual({ allowed: false, retryAfterS: 60 });
  });
});
