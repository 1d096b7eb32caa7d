/**
 * The verb registry: one module per verb, looked up by element name.
 *
 * @module
 */

import type { VerbRegistry } from '../context.ts';
import { runDial } from './dial.ts';
import { runGather } from './gather.ts';
import { runHangup } from './hangup.ts';
import { runPause } from './pause.ts';
import { runPlay } from './play.ts';
import { runRedirect } from './redirect.ts';
import { runReject } from './reject.ts';
import { runSay } from './say.ts';

export const VERBS: VerbRegistry = {
  Dial: runDial,
  Gather: runGather,
  Hangup: runHangup,
  Pause: runPause,
  Play: runPlay,
  Redirect: runRedirect,
  Reject: runReject,
  Say: runSay,
};
