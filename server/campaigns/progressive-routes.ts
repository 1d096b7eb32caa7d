/**
 * The documents Telnyx fetches for a customer-first call (progressive, power,
 * predictive); what each one decides is in `progressive-answer.ts`:
 *
 * - `/texml/campaign/answer`: the customer answered (sync AMD: with `AnsweredBy`): a
 *   machine gets the voicemail message or a hangup; a person is connected to an agent
 *   (progressive: the reserved one; power, predictive: a free one), or hears the
 *   safe-harbor message (abandoned).
 * - `/texml/campaign/agent-action`: the `<Dial action>` of the agent leg.
 * - `/texml/campaign/voicemail`: where an async-AMD machine is redirected
 *   (`progressive-amd.ts`).
 * - `/texml/campaign/opt-out`: the `<Gather action>` of the safe-harbor message: the
 *   opt-out key puts the number on the internal DNC list and the lead in `dnc`, in one
 *   transaction, before the call goes on.
 *
 * Like every `/texml/*` route they always answer TeXML.
 *
 * @module
 */
import { Router, type Response } from 'express';
import { renderHangup, response, serialize } from '../../texml-templates/index.ts';
import { addToDnc } from '../compliance/dnc.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../db/database.ts';
import { texmlAuth } from '../texml/texml-auth.ts';
import { agentLegEnded, answerCustomer, loadProgressiveCall, voicemailForAttempt } from './progressive-answer.ts';

type Fields = Record<string, string>;

export function progressiveRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = texmlAuth(ctx);
  const now = () => new Date(ctx.scheduler.now());

  /** Serve what `build` answers; on any error log it and hang up (Telnyx always gets TeXML). */
  const serve = (path: string, build: (attemptId: string, fields: Fields, at: Date) => Promise<string>) => {
    router.all(path, ...auth, async (req, res) => {
      const attemptId = String(req.query.attempt);
      try {
        sendTexml(res, await build(attemptId, res.locals.texmlFields as Fields, now()));
      } catch (error) {
        ctx.logger.error({ err: error, attemptId, path }, 'progressive TeXML route failed');
        sendTexml(res, renderHangup());
      }
    });
  };

  serve('/texml/campaign/answer', (attemptId, fields, at) => answerCustomer(ctx, attemptId, fields, at));
  serve('/texml/campaign/agent-action', (attemptId, fields, at) => agentLegEnded(ctx, attemptId, fields, at));
  serve('/texml/campaign/voicemail', (attemptId, _fields, at) => voicemailForAttempt(ctx, attemptId, at));
  serve('/texml/campaign/opt-out', (attemptId, fields, at) => optOut(ctx, attemptId, fields, at));
  return router;
}

/** The opt-out key of the safe-harbor message: DNC entry and lead status in one transaction. */
async function optOut(ctx: AppContext, attemptId: string, fields: Fields, at: Date): Promise<string> {
  const loaded = await loadProgressiveCall(ctx, attemptId);
  const digit = loaded?.campaign.safe_harbor?.optOutDigit;
  if (!loaded || digit === undefined || fields.Digits !== digit) return renderHangup();
  const { attempt } = loaded;
  await inTransaction(ctx.db, async (trx) => {
    // Inside the transaction only `trx` (PGlite has one connection: `ctx.db` would wait forever).
    await addToDnc(trx, { phone: attempt.customer_number, scope: 'internal', source: 'opt_out', reason: `opt-out key on attempt ${attemptId}`, by: null, now: at });
    await trx.updateTable('leads').set({ status: 'dnc', claimed_by: null, claimed_at: null }).where('id', '=', attempt.lead_id!).execute();
  });
  ctx.logger.info({ attemptId, leadId: attempt.lead_id }, 'opt-out: number added to the internal DNC list');
  return serialize(response().say({}, 'You have been removed from our calling list. Goodbye.').hangup().toDocument());
}

function sendTexml(res: Response, xml: string): void {
  res.status(200).type('application/xml').send(xml);
}
