// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { SoftphoneCall } from '../../../client/telnyx-dialer/softphone-client.ts';
import { newTracked, observe } from '../../../client/telnyx-dialer/tracked-call.ts';

function inboundCall(options: SoftphoneCall['options']): SoftphoneCall {
  const noop = async () => undefined;
  return {
    id: 'call-1',
    state: 'ringing',
    direction: 'inbound',
    options,
    isAudioMuted: false,
    answer: noop,
    hangup: noop,
    hold: noop,
    unhold: noop,
    muteAudio() {},
    unmuteAudio() {},
    dtmf() {},
    setAudioInDevice: noop,
    setAudioOutDevice: async () => true,
  };
}

describe('the remote party shown for a call', () => {
  it('names the customer of a server-placed call, not the caller ID the server presented', () => {
    const call = inboundCall({
      remoteCallerNumber: '+13125550100',
      remoteCallerName: '+13125550100',
      customHeaders: [{ name: 'X-Dialer-Attempt', value: 'attempt-7' }],
    });
    const tracked = newTracked(call, false);
    observe(tracked, call, 0, (attemptId) => (attemptId === 'attempt-7' ? '+15550007777' : undefined));
    expect({ number: tracked.remoteNumber, name: tracked.remoteName }).toEqual({ number: '+15550007777', name: '' });
  });

  it('shows the caller name of other inbound calls, but not a "name" that is only a number', () => {
    const named = inboundCall({ remoteCallerNumber: '+15551230000', remoteCallerName: 'Alice Example' });
    const trackedNamed = newTracked(named, false);
    observe(trackedNamed, named, 0);
    expect(trackedNamed.remoteName).toBe('Alice Example');

    const numeric = inboundCall({ remoteCallerNumber: '+15551230000', remoteCallerName: '+1 (555) 123-0000' });
    const trackedNumeric = newTracked(numeric, false);
    observe(trackedNumeric, numeric, 0);
    expect(trackedNumeric.remoteName).toBe('');
  });
});
