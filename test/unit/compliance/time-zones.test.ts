/**
 * Zones of a number for manual calls: geographic numbers get their zones, anything the
 * numbering plan cannot place (unassigned +1555…, toll-free) gets none, and the sandbox's
 * fictional customers get the configured zone in sandbox mode only.
 */
import { describe, expect, it } from 'vitest';
import { timeZonesForNumber } from '../../../server/compliance/time-zones.ts';

describe('timeZonesForNumber', () => {
  it.each([
    ['+12125550123', ['America/New_York']],
    ['+12085550123', ['America/Boise', 'America/Los_Angeles']],
    ['+14165550123', ['America/Toronto']],
    ['+442071234567', ['Europe/London']],
    // Area code 555 does not exist: the library would answer every NANP zone.
    ['+15550001234', []],
    // Toll-free rings anywhere.
    ['+18005550123', []],
    ['+1', []],
  ])('%s → %o', async (number, zones) => {
    expect(await timeZonesForNumber(number)).toEqual(zones);
  });

  it('places the sandbox’s +1555 customers in the configured zone, and nothing else', async () => {
    const sandbox = { sandboxCustomerTimeZone: 'America/Chicago' };
    expect(await timeZonesForNumber('+15550001234', sandbox)).toEqual(['America/Chicago']);
    expect(await timeZonesForNumber('+18005550123', sandbox)).toEqual([]);
    expect(await timeZonesForNumber('+12125550123', sandbox)).toEqual(['America/New_York']);
  });
});
