/**
 * Verto JSON-RPC frames as `@telnyx/webrtc` 2.27.10 speaks them (webrtc-sdk.md §2), and
 * builders for every frame the sandbox sends. Keeping the shapes here, away from the
 * socket logic, is what lets each SDK quirk be written down once:
 *
 * - the login result has NO `params.state` (the SDK would route it as a gateway-state
 *   message and never store `sessid`, §2.2);
 * - `clientReady` carries only `reattached_sessions` (a `state` there would make the SDK
 *   treat the later REGED as a duplicate and never fire `telnyx.ready`);
 * - the REGED reply has no `call_report_id` (it would make the SDK POST call reports);
 * - a refused login uses code -32001, never -32000 (-32000 makes the SDK log in again,
 *   in a loop);
 * - server requests use numeric ids, client requests uuid strings, so they never clash.
 *
 * @module
 */

export type RpcId = string | number;

export interface RpcRequest {
  jsonrpc: '2.0';
  id: RpcId;
  method: string;
  params: Record<string, unknown>;
}

export interface RpcResult {
  jsonrpc: '2.0';
  id: RpcId;
  result: Record<string, unknown>;
}

export interface RpcError {
  jsonrpc: '2.0';
  id: RpcId | null;
  error: { code: number; message: string };
}

export type OutboundFrame = RpcRequest | RpcResult | RpcError;

/** What one text frame from the client turned out to be. */
export type InboundFrame =
  | { type: 'request'; id: RpcId; method: string; params: Record<string, unknown> }
  /** A client's reply to one of our requests (its ack): nothing to do. */
  | { type: 'response'; id: RpcId }
  | { type: 'invalid'; id: RpcId | null; reason: string };

export const METHODS = {
  login: 'login',
  clientReady: 'telnyx_rtc.clientReady',
  gatewayState: 'telnyx_rtc.gatewayState',
  ping: 'telnyx_rtc.ping',
  invite: 'telnyx_rtc.invite',
  answer: 'telnyx_rtc.answer',
  ringing: 'telnyx_rtc.ringing',
  modify: 'telnyx_rtc.modify',
  info: 'telnyx_rtc.info',
  bye: 'telnyx_rtc.bye',
} as const;

/** JSON-RPC error codes the sandbox uses. */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  internal: -32603,
  /** Methods other than login/ping before a successful login (the real server's code). */
  authenticationRequired: -32000,
  /** A refused login: any login error gives the SDK's 46001; -32000 would loop (§2.2). */
  loginRefused: -32001,
  /** modify/answer naming a callID this socket does not have. */
  callNotFound: -32002,
  /** A request the sandbox understands but cannot perform (bad SDP, unsupported action). */
  notSupported: -32003,
} as const;

export function parseFrame(text: string): InboundFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'invalid', id: null, reason: 'not JSON' };
  }
  if (!isRecord(value)) return { type: 'invalid', id: null, reason: 'not a JSON object' };
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? value.id : null;
  if (typeof value.method === 'string') {
    if (id === null) return { type: 'invalid', id: null, reason: 'request without an id' };
    return { type: 'request', id, method: value.method, params: isRecord(value.params) ? value.params : {} };
  }
  if (id !== null && ('result' in value || 'error' in value)) return { type: 'response', id };
  return { type: 'invalid', id, reason: 'neither a request nor a response' };
}

export function result(id: RpcId, body: Record<string, unknown>): RpcResult {
  return { jsonrpc: '2.0', id, result: body };
}

export function rpcError(id: RpcId | null, code: number, message: string): RpcError {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

export function request(id: number, method: string, params: Record<string, unknown>): RpcRequest {
  return { jsonrpc: '2.0', id, method, params };
}

/** The login reply: no `params`, see the module note. */
export function loginResult(id: RpcId, sessid: string): RpcResult {
  return result(id, { message: 'logged in', sessid });
}

export function clientReady(id: number): RpcRequest {
  return request(id, METHODS.clientReady, { reattached_sessions: [] });
}

export type GatewayState = 'REGED' | 'NOREG' | 'UNREGED';

export function gatewayStateResult(id: RpcId, sessid: string, state: GatewayState): RpcResult {
  return result(id, { params: { state }, sessid });
}

export interface CustomHeader {
  name: string;
  value: string;
}

/** The ids Telnyx attaches to a call; the SDK stores them as `call.telnyxIDs`. */
export interface TelnyxCallIds {
  telnyx_session_id: string;
  telnyx_leg_id: string;
  telnyx_call_control_id: string;
}

/** Params of a server `telnyx_rtc.invite` (an inbound call for the SDK, §2.6). */
export interface InviteToClientParams extends TelnyxCallIds {
  callID: string;
  sdp: string;
  caller_id_name: string;
  caller_id_number: string;
  callee_id_name: string;
  callee_id_number: string;
  /** How Telnyx labels the leg; 'outbound' as in the verified trace (Telnyx dialled it). */
  display_direction: 'outbound' | 'inbound';
  /** The softphone's auto-answer looks for `X-Dialer-Attempt` here. */
  dialogParams: { custom_headers: CustomHeader[] };
}

export interface HangupCause {
  causeCode: number;
  /** The SIP status a far end would see, if the cause maps to a final response. */
  sipCode?: number;
}

/** Q.850 causes the SDK and Telnyx use, with their codes (unknown causes get 16). */
export const HANGUP_CAUSES: Readonly<Record<string, HangupCause>> = {
  NORMAL_CLEARING: { causeCode: 16 },
  USER_BUSY: { causeCode: 17, sipCode: 486 },
  NO_USER_RESPONSE: { causeCode: 18, sipCode: 408 },
  NO_ANSWER: { causeCode: 19, sipCode: 480 },
  CALL_REJECTED: { causeCode: 21, sipCode: 603 },
  UNALLOCATED_NUMBER: { causeCode: 1, sipCode: 404 },
  NORMAL_TEMPORARY_FAILURE: { causeCode: 41, sipCode: 503 },
  INCOMPATIBLE_DESTINATION: { causeCode: 88, sipCode: 488 },
  ORIGINATOR_CANCEL: { causeCode: 487, sipCode: 487 },
};

export function hangupCause(cause: string): HangupCause {
  return HANGUP_CAUSES[cause] ?? { causeCode: 16 };
}

/** Params of a server `telnyx_rtc.bye` (remote hangup, §2.7). */
export function byeParams(callID: string, cause: string): Record<string, unknown> {
  const { causeCode, sipCode } = hangupCause(cause);
  return { callID, cause, causeCode, ...(sipCode === undefined ? {} : { sipCode }) };
}

/** The call a client frame is about: `dialogParams.callID` (SDK requests) or `callID`. */
export function frameCallId(params: Record<string, unknown>): string | undefined {
  const dialog = params.dialogParams;
  if (isRecord(dialog) && typeof dialog.callID === 'string') return dialog.callID;
  return typeof params.callID === 'string' ? params.callID : undefined;
}

export function dialogParams(params: Record<string, unknown>): Record<string, unknown> {
  return isRecord(params.dialogParams) ? params.dialogParams : {};
}

/** `custom_headers` as the SDK sends them; anything malformed is dropped. */
export function readCustomHeaders(value: unknown): CustomHeader[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) =>
    isRecord(item) && typeof item.name === 'string' ? [{ name: item.name, value: String(item.value ?? '') }] : [],
  );
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
