/**
 * Getting a TeXML document: fetch it (with `FallbackUrl` as a second chance) or parse
 * inline `Texml`, and check it with the shared schema. A document that cannot be had is
 * an application error: the call hangs up with `ErrorCode`/`ErrorMessage` and the
 * schema's issues go in the transcript (texml-api.md §3, §11.7).
 *
 * The `slowUrlMs` fault delays the answer in scheduler time; a delay at or beyond the
 * HTTP timeout counts as a timeout and moves on to the fallback.
 *
 * @module
 */

import type { HttpMethod } from '../../lib/telnyx-wire.ts';
import type { TexmlDocument, TexmlIssue } from '../../texml-templates/index.ts';
import type { Execution, SimCall } from '../calls/call.ts';
import { APPLICATION_ERROR, applicationError } from '../calls/end-reasons.ts';
import { endCall } from '../calls/hangup.ts';
import { execTimer, isCurrent } from '../calls/timers.ts';
import type { SandboxEnv } from '../env.ts';
import type { OutboundResult } from '../http/outbound.ts';
import { stablePath } from '../transcript.ts';
import { firstVerbLabel, parseDocument } from './parse.ts';

export interface FetchTarget {
  url: string;
  method: HttpMethod;
  /** Names the request in the transcript: `Url`, `FallbackUrl`, `action`, `Gather`, `Redirect`. */
  label: string;
}

export type DocumentSource =
  /** Fetch the first target; on failure try the next. */
  | { kind: 'fetch'; targets: readonly FetchTarget[]; fields: Record<string, string>; note?: string }
  | { kind: 'inline'; texml: string }
  /** No `Url`, no `Texml` and no application voice URL. */
  | { kind: 'missing' };

export interface LoadedDocument {
  doc: TexmlDocument;
  documentUrl?: string;
}

type Attempt = { ok: true; loaded: LoadedDocument } | { ok: false; error: { code: string; message: string }; issues?: readonly TexmlIssue[] };

/** Load `source` for `exec` and hand the document to `run`, or end the call with an application error. */
export async function loadDocument(
  env: SandboxEnv,
  call: SimCall,
  exec: Execution,
  source: DocumentSource,
  run: (loaded: LoadedDocument) => Promise<void>,
): Promise<void> {
  if (source.kind === 'missing') {
    failApplication(env, call, { ok: false, error: APPLICATION_ERROR.noInstructions });
    return;
  }
  if (source.kind === 'inline') {
    const parsed = parseDocument(source.texml);
    record(env, call, `Texml inline → ${parsed.ok ? firstVerbLabel(parsed.doc) : 'invalid TeXML'}`, {
      texml: source.texml,
      ...(parsed.ok ? {} : { issues: parsed.issues }),
    });
    if (parsed.ok) await run({ doc: parsed.doc });
    else failApplication(env, call, { ok: false, error: APPLICATION_ERROR.parse, issues: parsed.issues });
    return;
  }
  await attemptFetch(env, call, exec, source, 0, run);
}

async function attemptFetch(
  env: SandboxEnv,
  call: SimCall,
  exec: Execution,
  source: Extract<DocumentSource, { kind: 'fetch' }>,
  index: number,
  run: (loaded: LoadedDocument) => Promise<void>,
): Promise<void> {
  const target = source.targets[index]!;
  const result = await env.http.send({ method: target.method, url: target.url, fields: source.fields });
  if (!isCurrent(call, exec)) return;

  const settle = async (answer: OutboundResult): Promise<void> => {
    const attempt = interpret(answer, target);
    const summary = attempt.ok ? ` ${firstVerbLabel(attempt.loaded.doc)}` : attempt.issues ? ' invalid TeXML' : '';
    record(env, call, `${target.label} ${target.method} ${stablePath(target.url)}${source.note ?? ''} → ${answer.status}${summary}`, {
      url: answer.requestUrl,
      fields: source.fields,
      status: answer.status,
      body: answer.body,
      ...(answer.error ? { error: answer.error } : {}),
      ...(!attempt.ok && attempt.issues ? { issues: attempt.issues } : {}),
    });
    if (attempt.ok) await run(attempt.loaded);
    else if (index + 1 < source.targets.length) await attemptFetch(env, call, exec, source, index + 1, run);
    else failApplication(env, call, attempt);
  };

  const slowMs = env.faults.settings.slowUrlMs;
  if (slowMs <= 0) {
    await settle(result);
    return;
  }
  const timedOut = slowMs >= env.httpTimeoutMs;
  const late: OutboundResult = timedOut
    ? { ...result, status: 'timeout', body: '', error: `answered after ${slowMs} ms (slowUrlMs), beyond the ${env.httpTimeoutMs} ms timeout` }
    : result;
  execTimer(env, call, exec, timedOut ? env.httpTimeoutMs : slowMs, () => settle(late));
}

function interpret(answer: OutboundResult, target: FetchTarget): Attempt {
  if (answer.status !== 200) return { ok: false, error: APPLICATION_ERROR.retrieval };
  const parsed = parseDocument(answer.body);
  if (!parsed.ok) return { ok: false, error: APPLICATION_ERROR.parse, issues: parsed.issues };
  return { ok: true, loaded: { doc: parsed.doc, documentUrl: target.url } };
}

function record(env: SandboxEnv, call: SimCall, text: string, detail: Record<string, unknown>): void {
  env.transcript.add({ kind: 'fetch', callSid: call.sid, leg: call.leg, line: `fetch ${call.leg} ${text}`, detail });
}

/** End the call the way Telnyx does when it has no usable TeXML. */
function failApplication(env: SandboxEnv, call: SimCall, attempt: Extract<Attempt, { ok: false }>): void {
  env.transcript.add({
    kind: 'call',
    callSid: call.sid,
    leg: call.leg,
    line: `call ${call.leg} application-error ${attempt.error.code}`,
    detail: { ...attempt.error, ...(attempt.issues ? { issues: attempt.issues } : {}) },
  });
  endCall(env, call, applicationError(attempt.error));
}

/** `url` resolved against `base`; undefined for a relative URL without a base, or a bad one. */
export function resolveUrl(url: string, base: string | undefined): string | undefined {
  try {
    return new URL(url, base).toString();
  } catch {
    return undefined;
  }
}
