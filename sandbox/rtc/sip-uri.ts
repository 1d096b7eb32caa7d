/**
 * Reading the target of `<Dial><Sip>` (and of a REST call whose `To` is a SIP address)
 * so the sandbox can tell whether it names one of its registered softphones:
 * `sip:<gencred user>@sip.telnyx.com`.
 *
 * Headers may ride in the URI (RFC 3261 §19.1.1: `sip:u@h?X-Dialer-Attempt=42&X-B=1`);
 * they are returned so the runner can pass them to `ringClient` as custom headers.
 *
 * @module
 */

import type { CustomHeader } from './verto-messages.ts';

export interface SipTarget {
  user: string;
  host: string;
  /** URI parameters after `;` (e.g. `transport=tls`), values decoded; flags map to ''. */
  params: Record<string, string>;
  headers: CustomHeader[];
}

/** The SIP domain Telnyx credential users are dialled at. */
export const TELNYX_SIP_DOMAIN = 'sip.telnyx.com';

/** `sip:`/`sips:` URI → its parts, or null if it is not one (a phone number, garbage). */
export function parseSipUri(uri: string): SipTarget | null {
  const match = /^sips?:([^@;?]+)@([^;?]+)((?:;[^?]*)?)(?:\?(.*))?$/i.exec(uri.trim());
  if (!match) return null;
  const [, rawUser = '', host = '', rawParams = '', rawHeaders] = match;
  const params: Record<string, string> = {};
  for (const part of rawParams.split(';')) {
    if (!part) continue;
    const [name = '', value = ''] = part.split('=', 2);
    params[decode(name)] = decode(value);
  }
  const headers: CustomHeader[] = [];
  for (const part of (rawHeaders ?? '').split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    headers.push(at < 0 ? { name: decode(part), value: '' } : { name: decode(part.slice(0, at)), value: decode(part.slice(at + 1)) });
  }
  return { user: decode(rawUser), host: host.toLowerCase(), params, headers };
}

/** The credential user a URI dials on Telnyx, or null when it points elsewhere. */
export function telnyxSipUser(uri: string): string | null {
  const target = parseSipUri(uri);
  return target && target.host === TELNYX_SIP_DOMAIN ? target.user : null;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
