import { describe, expect, it } from 'vitest';
import { parseSipUri, telnyxSipUser } from '../../../sandbox/rtc/index.ts';

describe('parseSipUri', () => {
  it('reads user, host, params and URI headers', () => {
    expect(parseSipUri('sip:gencredABC@sip.telnyx.com;transport=tls?X-Dialer-Attempt=att%2042&X-Flag')).toEqual({
      user: 'gencredABC',
      host: 'sip.telnyx.com',
      params: { transport: 'tls' },
      headers: [
        { name: 'X-Dialer-Attempt', value: 'att 42' },
        { name: 'X-Flag', value: '' },
      ],
    });
    expect(parseSipUri('sips:bob@Example.COM')).toEqual({ user: 'bob', host: 'example.com', params: {}, headers: [] });
  });

  it('rejects what is not a SIP URI', () => {
    expect(parseSipUri('+15551230000')).toBeNull();
    expect(parseSipUri('sip:no-host')).toBeNull();
    expect(parseSipUri('tel:+1555')).toBeNull();
  });

  it('names the credential user only on sip.telnyx.com', () => {
    expect(telnyxSipUser('sip:gencredABC@sip.telnyx.com')).toBe('gencredABC');
    expect(telnyxSipUser('sip:gencredABC@pbx.example.com')).toBeNull();
  });
});
