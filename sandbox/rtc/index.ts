/**
 * The sandbox's WebRTC signalling socket with a real media peer (DESIGN.md "The
 * sandbox"; protocol: webrtc-sdk.md §2–3). Entry point: {@link createRtcGateway}.
 *
 * @module
 */

export * from './gateway.ts';
export { parseSipUri, telnyxSipUser, TELNYX_SIP_DOMAIN, type SipTarget } from './sip-uri.ts';
