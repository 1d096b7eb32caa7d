import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookKeyPair,
  importWebhookPublicKey,
  signWebhookPayload,
  verifyWebhookSignature,
  type VerifyWebhookSignatureOptions,
} from '../../../server/telnyx/signature.ts';

const NOW_MS = Date.UTC(2026, 0, 5, 15, 0, 0);
const NOW_S = NOW_MS / 1000;
const BODY = 'AccountSid=acct-123&CallSid=v3%3Aabc&CallStatus=ringing&From=%2B13125550199&SequenceNumber=2&Note=caf%C3%A9';
const { privateKey, publicKeyBase64 } = generateWebhookKeyPair();

/** A correctly signed request, with any part overridden. */
function signed(overrides: Partial<VerifyWebhookSignatureOptions> = {}, timestampS = NOW_S): VerifyWebhookSignatureOptions {
  const headers = signWebhookPayload({ privateKey, timestampS, rawBody: BODY });
  return {
    publicKeyBase64,
    timestampHeader: headers['telnyx-timestamp'],
    signatureHeader: headers['telnyx-signature-ed25519'],
    rawBody: Buffer.from(BODY),
    nowMs: NOW_MS,
    ...overrides,
  };
}

describe('verifyWebhookSignature', () => {
  it('accepts a signed body and returns its timestamp', () => {
    expect(verifyWebhookSignature(signed())).toEqual({ ok: true, timestampS: NOW_S });
    expect(verifyWebhookSignature(signed({ rawBody: BODY }))).toEqual({ ok: true, timestampS: NOW_S });
  });

  it('produces signatures that the official SDK recipe (WebCrypto, raw key) accepts', async () => {
    const headers = signWebhookPayload({ privateKey, timestampS: NOW_S, rawBody: BODY });
    const key = await webcrypto.subtle.importKey('raw', Buffer.from(publicKeyBase64, 'base64'), { name: 'Ed25519' }, false, ['verify']);
    const bytes = Buffer.from(`${headers['telnyx-timestamp']}|${BODY}`);
    expect(await webcrypto.subtle.verify('Ed25519', key, Buffer.from(headers['telnyx-signature-ed25519'], 'base64'), bytes)).toBe(true);
    expect(Buffer.from(publicKeyBase64, 'base64')).toHaveLength(32);
  });

  it('rejects a signature made with another key', () => {
    const other = generateWebhookKeyPair();
    expect(verifyWebhookSignature(signed({ publicKeyBase64: other.publicKeyBase64 }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a modified body', () => {
    expect(verifyWebhookSignature(signed({ rawBody: BODY.replace('ringing', 'completed') }))).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhookSignature(signed({ rawBody: `${BODY} ` }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a timestamp header that differs from the signed one', () => {
    expect(verifyWebhookSignature(signed({ timestampHeader: String(NOW_S - 1) }))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    [{ timestampHeader: undefined }, 'Missing header(s): telnyx-timestamp'],
    [{ signatureHeader: '' }, 'Missing header(s): telnyx-signature-ed25519'],
    [{ timestampHeader: null, signatureHeader: '  ' }, 'Missing header(s): telnyx-timestamp, telnyx-signature-ed25519'],
  ])('reports missing headers %o', (overrides, message) => {
    expect(verifyWebhookSignature(signed(overrides))).toEqual({ ok: false, reason: 'missing_headers', message });
  });

  it.each([
    [{ signatureHeader: 'not base64!!' }],
    [{ signatureHeader: Buffer.alloc(32, 1).toString('base64') }],
    [{ timestampHeader: '1767625200.5' }],
    [{ timestampHeader: '2026-01-05T15:00:00Z' }],
  ])('reports a malformed header %o', (overrides) => {
    expect(verifyWebhookSignature(signed(overrides))).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('rejects a signed timestamp 10 minutes old or 10 minutes ahead', () => {
    expect(verifyWebhookSignature(signed({}, NOW_S - 600))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
      message: 'Timestamp is 600 s away from now (tolerance 300 s)',
    });
    expect(verifyWebhookSignature(signed({}, NOW_S + 600))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('accepts up to the tolerance, in both directions', () => {
    expect(verifyWebhookSignature(signed({}, NOW_S - 300))).toMatchObject({ ok: true });
    expect(verifyWebhookSignature(signed({}, NOW_S + 300))).toMatchObject({ ok: true });
    expect(verifyWebhookSignature(signed({}, NOW_S - 301))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhookSignature(signed({ toleranceS: 900 }, NOW_S - 600))).toMatchObject({ ok: true });
  });

  it('refuses a public key that is not 32 bytes of base64', () => {
    expect(() => importWebhookPublicKey(Buffer.alloc(31).toString('base64'))).toThrow(
      'Expected `publicKeyBase64` to be base64 of 32 bytes (an Ed25519 public key), got 31 bytes',
    );
    expect(() => verifyWebhookSignature(signed({ publicKeyBase64: 'KEY_not_a_public_key' }))).toThrow(TypeError);
    expect(importWebhookPublicKey('eu2zvPjhY6odxV34Z/EsRiERvTodkev4Fq0SlK90Izg=').asymmetricKeyType).toBe('ed25519');
  });
});
