/**
 * The interpreter fed with typed TeXML trees, written the way the server builds them and
 * serialised by the shared `serialize()`: what the dialer renders is what the sandbox runs.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { serialize, type TexmlDocument } from '../../../texml-templates/index.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.scheduler.errors).toEqual([]);
  await h.close();
});

it('customer-first: a human gets the agent over <Dial><Sip>', async () => {
  const connect: TexmlDocument = {
    verbs: [
      {
        name: 'Dial',
        attributes: { action: `${h.app}/done`, timeout: 5 },
        children: [
          {
            name: 'Sip',
            attributes: { statusCallback: `${h.app}/agent`, statusCallbackEvent: ['initiated', 'answered', 'completed'] },
            text: 'sip:agent7@sip.telnyx.com',
          },
        ],
      },
    ],
  };
  const done: TexmlDocument = { verbs: [{ name: 'Hangup', attributes: {} }] };
  h.on('/customer', (request) => serialize(request.fields.AnsweredBy === 'human' ? connect : done));
  h.on('/done', serialize(done));
  await h.createCall({ To: '+15550001234', Url: `${h.app}/customer`, MachineDetection: 'Enable' });
  await h.drain();
  expect(h.lines(['fetch', 'verb', 'callback'])).toEqual([
    'fetch A Url POST /customer → 200 <Dial>',
    'verb A Dial Sip=sip:agent7@sip.telnyx.com',
    'callback B initiated#0 → 200',
    'callback B in-progress#1 → 200',
    'callback B completed#2 → 200',
  ]);
  expect(h.at('/agent').map((request) => request.fields.From)).toEqual(['+15550001234', '+15550001234', '+15550001234']);
});

it('abandoned human: identification message with a key-press opt-out', async () => {
  h.sandbox.control.addScenario({ match: '+15550001234', outcome: 'human', ringMs: 4000, talkMs: 30_000, digits: ['9'] });
  const abandon: TexmlDocument = {
    verbs: [
      {
        name: 'Gather',
        attributes: { action: `${h.app}/opt-out`, numDigits: 1, timeout: 5 },
        children: [{ name: 'Say', attributes: {}, text: 'This is Acme. Press 9 to stop these calls.' }],
      },
      { name: 'Hangup', attributes: {} },
    ],
  };
  h.on('/customer', serialize(abandon));
  h.on('/opt-out', serialize({ verbs: [{ name: 'Say', attributes: {}, text: 'Done.' }, { name: 'Hangup', attributes: {} }] }));
  await h.createCall({ To: '+15550001234', Url: `${h.app}/customer` });
  await h.drain();
  expect(h.lines('verb')).toEqual([
    'verb A Say "This is Acme. Press 9 to stop these calls."',
    'verb A Gather digits=9',
    'verb A Say "Done."',
    'verb A Hangup',
  ]);
  expect(h.at('/opt-out')[0]!.fields.Digits).toBe('9');
});
