/**
 * Just `<Hangup/>`: the answer to a `<Dial>` action once the bridge is over, since the
 * call has nothing left to do.
 *
 * @module
 */

import { response } from '../builder.ts';
import { serialize } from '../serialize.ts';
import type { TexmlDocument } from '../types.ts';

export function buildHangup(): TexmlDocument {
  return response().hangup().toDocument();
}

export function renderHangup(): string {
  return serialize(buildHangup());
}
