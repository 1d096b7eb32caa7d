/**
 * The control API under `/_sandbox` (jambonz `test/webhook/app.js` style). It has no
 * authentication: bind the sandbox to localhost.
 *
 * @module
 */

import express, { Router, type Response } from 'express';
import type { SandboxEnv } from '../env.ts';
import type { TranscriptFilter, TranscriptKind } from '../transcript.ts';
import { SandboxInputError, type SandboxControl } from './control.ts';

const KINDS: readonly TranscriptKind[] = ['api', 'callback', 'fetch', 'verb', 'call', 'rtc'];

export function controlRouter(env: SandboxEnv, control: SandboxControl): Router {
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/', (_req, res) => {
    res.json({
      accountSid: env.accountSid,
      applicationSid: env.applicationSid,
      connectionId: env.connectionId,
      publicKeyBase64: env.signer.publicKeyBase64,
      seed: env.seed,
    });
  });
  router.get('/scenarios', (_req, res) => {
    res.json(control.scenarios());
  });
  router.put('/scenarios', (req, res) => {
    guarded(res, () => control.setScenarios(req.body), () => control.scenarios());
  });
  router.post('/scenarios', (req, res) => {
    guarded(res, () => control.addScenario(req.body), () => control.scenarios());
  });
  router.get('/faults', (_req, res) => {
    res.json(control.faults());
  });
  router.put('/faults', (req, res) => {
    guarded(res, () => control.setFaults(req.body ?? {}), () => control.faults());
  });
  router.put('/application', (req, res) => {
    guarded(res, () => control.setApplication(req.body ?? {}), () => env.application);
  });
  router.get('/credential-connection', (_req, res) => {
    res.json(control.credentialConnection());
  });
  router.put('/credential-connection', (req, res) => {
    guarded(res, () => control.setCredentialConnection(req.body ?? {}), () => control.credentialConnection());
  });
  router.get('/settings', (_req, res) => {
    res.json(control.settings());
  });
  router.put('/settings', (req, res) => {
    guarded(res, () => control.setSettings(req.body ?? {}), () => control.settings());
  });
  router.get('/registrations', (_req, res) => {
    res.json(control.registrations());
  });
  router.get('/transcript', (req, res) => {
    const filter = transcriptFilter(req.query as Record<string, unknown>);
    if (req.query.format === 'text') res.type('text/plain').send(`${control.lines(filter).join('\n')}\n`);
    else res.json(control.transcript(filter));
  });
  router.get('/calls', (_req, res) => {
    res.json(control.calls());
  });
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  router.use((req, res) => {
    res.status(404).json({
      error: `Unrecognized control URL (${req.method}: ${req.originalUrl}). Try GET /_sandbox/transcript, GET /_sandbox/calls, PUT /_sandbox/scenarios, PUT /_sandbox/faults, PUT /_sandbox/settings, PUT /_sandbox/credential-connection, GET /_sandbox/registrations, POST /_sandbox/reset.`,
    });
  });
  return router;
}

function guarded(res: Response, change: () => unknown, current: () => unknown): void {
  try {
    change();
    res.json(current());
  } catch (error) {
    if (error instanceof SandboxInputError) res.status(400).json({ error: error.message, problems: error.problems });
    else throw error;
  }
}

function transcriptFilter(query: Record<string, unknown>): TranscriptFilter {
  const kinds = String(query.kind ?? '')
    .split(',')
    .filter((kind): kind is TranscriptKind => KINDS.includes(kind as TranscriptKind));
  return {
    ...(kinds.length > 0 ? { kind: kinds } : {}),
    ...(typeof query.callSid === 'string' ? { callSid: query.callSid } : {}),
  };
}
