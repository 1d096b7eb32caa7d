/**
 * `/texml/parked`: the credential connection's TeXML URL (flow 2, agent-dialled). Telnyx
 * fetches it for each call a softphone places; it answers the bridge document of flow 1
 * (`<Dial action><Number statusCallback>customer</Number></Dial>`, with the new
 * attempt's id in both URLs) or a spoken refusal and `<Hangup/>`.
 *
 * Authentication: the URL is one fixed address configured on the connection, with no
 * attempt yet. A fetch must carry a valid Telnyx signature or the connection token that
 * {@link parkedCallUrl} puts in the URL (an HMAC under `DIALER_SECRET`); without either,
 * anyone could make the dialer ring customers.
 *
 * Mount with `app.use(parkedCallRouter(ctx))` before any body parser (the signature
 * covers the raw body).
 *
 * @module
 */
import { Router } from 'express';
import { renderBridgeAgentToCustomer, renderRefusal } from '../../texml-templates/index.ts';
import { startAgentDialled } from '../calls/agent-dialled.ts';
import type { AppContext } from '../context.ts';
import { texmlAuth } from './texml-auth.ts';
import { attemptToken } from './url-token.ts';
import { attemptUrls } from './urls.ts';

export const PARKED_CALL_PATH = '/texml/parked';
const CONNECTION_TOKEN_SUBJECT = 'credential-connection';

/** The URL to configure as the credential connection's TeXML URL (printed at start-up). */
export function parkedCallUrl(publicBaseUrl: string, secret: string): string {
  return `${publicBaseUrl}${PARKED_CALL_PATH}?t=${attemptToken(secret, CONNECTION_TOKEN_SUBJECT)}`;
}

export function parkedCallRouter(ctx: AppContext): Router {
  const router = Router();

  router.all(PARKED_CALL_PATH, ...texmlAuth(ctx, { tokenSubject: CONNECTION_TOKEN_SUBJECT }), async (_req, res) => {
    const decision = await startAgentDialled(ctx, res.locals.texmlFields as Record<string, string>);
    res.status(200).type('application/xml');
    if (decision.kind === 'refuse') {
      res.send(renderRefusal({ message: decision.message }));
      return;
    }
    const { attempt } = decision;
    const urls = attemptUrls({ publicBaseUrl: ctx.config.http.publicBaseUrl, secret: ctx.config.secrets.dialerSecret, attemptId: attempt.id });
    res.send(
      renderBridgeAgentToCustomer({
        customerNumber: attempt.customer_number,
        callerId: attempt.caller_id,
        actionUrl: urls.dialAction,
        customerStatusCallbackUrl: urls.status('customer'),
        ringTimeoutS: ctx.config.dialing.customerRingTimeoutS,
        // The softphone hears ringback, not silence, until the customer answers.
        answerOnBridge: true,
      }),
    );
  });

  return router;
}
