/** Sent as `X-Telnyx-Sandbox-Version` on every response, so a client can tell it is not Telnyx. */
export const SANDBOX_VERSION = '0.1.0';
