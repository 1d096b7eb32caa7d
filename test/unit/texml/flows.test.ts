/**
 * The call-flow documents. Each variant's XML is compared with a reviewed snapshot in
 * `test/snapshots/texml/<flow>--<variant>.xml` (what QA reads), and parses back to the
 * tree the flow built, which proves the sandbox will accept exactly what the server
 * sends.
 */
import { describe, expect, it } from 'vitest';
import {
  abandonMessageText,
  buildAbandonMessage,
  buildBridgeAgentToCustomer,
  buildConnectCustomerToAgent,
  buildHangup,
  buildRefusal,
  buildVoicemailMessage,
  parseTexml,
  renderAbandonMessage,
  renderBridgeAgentToCustomer,
  renderConnectCustomerToAgent,
  renderHangup,
  renderRefusal,
  renderVoicemailMessage,
  spokenKey,
  spokenPhoneNumber,
  TexmlValidationError,
  type TexmlDocument,
} from '../../../texml-templates/index.ts';

const BASE = 'https://dialer.example';

interface FlowVariant {
  /** Snapshot file name without `.xml`: `<flow>--<variant>`. */
  name: string;
  xml: () => string;
  doc: () => TexmlDocument;
}

const variant = <I>(name: string, input: I, render: (input: I) => string, build: (input: I) => TexmlDocument): FlowVariant => ({
  name,
  xml: () => render(input),
  doc: () => build(input),
});

const agentFirst = {
  customerNumber: '+15551234567',
  callerId: '+15550001111',
  actionUrl: `${BASE}/texml/dial-action?attempt=att_1&sig=abc123`,
  customerStatusCallbackUrl: `${BASE}/telnyx/status?leg=customer&attempt=att_1`,
};
const customerToAgent = {
  agentSipUri: 'sip:gencredAbC123@sip.telnyx.com',
  actionUrl: `${BASE}/texml/agent-dial-action?attempt=att_2&sig=def456`,
  statusCallbackUrl: `${BASE}/telnyx/status?leg=agent&attempt=att_2`,
};
const usIdentification = {
  companyName: 'Acme Solar',
  callbackNumber: '+15550001111',
  gatherActionUrl: `${BASE}/texml/opt-out?attempt=att_3&sig=ghi789`,
};

const variants: FlowVariant[] = [
  variant('bridge-agent-to-customer--agent-first', agentFirst, renderBridgeAgentToCustomer, buildBridgeAgentToCustomer),
  variant(
    'bridge-agent-to-customer--agent-dialled',
    { ...agentFirst, ringTimeoutS: 30, timeLimitS: 7200, answerOnBridge: true },
    renderBridgeAgentToCustomer,
    buildBridgeAgentToCustomer,
  ),
  variant('connect-customer-to-agent--progressive', customerToAgent, renderConnectCustomerToAgent, buildConnectCustomerToAgent),
  variant(
    'connect-customer-to-agent--transfer',
    { ...customerToAgent, agentSipUri: 'sip:gencredXyZ789@sip.telnyx.com', ringTimeoutS: 10 },
    renderConnectCustomerToAgent,
    buildConnectCustomerToAgent,
  ),
  variant(
    'voicemail-message--spoken',
    {
      leadingPauseS: 1,
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      text: 'Hi, this is Acme Solar returning your request for a quote. Please call us back at 555 000 1111. Thank you.',
    },
    renderVoicemailMessage,
    buildVoicemailMessage,
  ),
  variant(
    'voicemail-message--recorded',
    { audioUrl: 'https://media.example/campaigns/7/voicemail.mp3?v=2&token=x' },
    renderVoicemailMessage,
    buildVoicemailMessage,
  ),
  variant('abandon-message--us', usIdentification, renderAbandonMessage, buildAbandonMessage),
  variant(
    'abandon-message--uk',
    { ...usIdentification, companyName: 'Acme Solar UK', callbackNumber: '+447700900123', voice: 'Polly.Amy-Neural', language: 'en-GB' },
    renderAbandonMessage,
    buildAbandonMessage,
  ),
  variant(
    'abandon-message--pound-key-escaped-name',
    { ...usIdentification, companyName: `Smith & Sons "<Best>" Windows`, optOutDigit: '#', optOutTimeoutS: 8 },
    renderAbandonMessage,
    buildAbandonMessage,
  ),
  variant('refusal--default', { message: 'This number cannot be called right now. Goodbye.' }, renderRefusal, buildRefusal),
  variant(
    'refusal--voice',
    { message: 'Calls to this number are not allowed outside 8 AM to 9 PM local time. Goodbye.', voice: 'Polly.Amy', language: 'en-GB' },
    renderRefusal,
    buildRefusal,
  ),
  variant('hangup--default', undefined, () => renderHangup(), () => buildHangup()),
];

describe.each(variants)('$name', ({ name, xml, doc }) => {
  it('matches its reviewed snapshot', async () => {
    await expect(xml()).toMatchFileSnapshot(`../../snapshots/texml/${name}.xml`);
  });

  it('parses back to the tree the flow built', () => {
    expect(parseTexml(xml())).toEqual(doc());
  });
});

describe('flow inputs', () => {
  it('bridge: refuses a customer ring time under the 15 s legal floor', () => {
    expect(() => renderBridgeAgentToCustomer({ ...agentFirst, ringTimeoutS: 10 })).toThrow(
      'ringTimeoutS 10 is below 15 s: US and UK rules require unanswered calls to ring at least 15 s',
    );
  });

  it('bridge: refuses a ring time Telnyx would refuse, naming <Dial timeout>', () => {
    expect(() => renderBridgeAgentToCustomer({ ...agentFirst, ringTimeoutS: 121 })).toThrow('Dial@timeout: 121 is outside 5–120');
  });

  it('bridge: refuses a customer number that is not E.164', () => {
    expect(() => renderBridgeAgentToCustomer({ ...agentFirst, customerNumber: '(555) 123-4567' })).toThrow(TexmlValidationError);
  });

  it('connect: refuses an agent address that is not a SIP URI', () => {
    expect(() => renderConnectCustomerToAgent({ ...customerToAgent, agentSipUri: 'gencredAbC123' })).toThrow('Sip: text "gencredAbC123" is not a SIP URI');
  });

  it('abandon: refuses an opt-out key that is not one keypad key', () => {
    expect(() => renderAbandonMessage({ ...usIdentification, optOutDigit: '99' })).toThrow('optOutDigit "99" must be one keypad key');
  });

  it('voicemail: refuses a pause longer than TeXML allows', () => {
    expect(() => renderVoicemailMessage({ text: 'Hi', leadingPauseS: 181 })).toThrow('Pause@length: 181 is outside 1–180');
  });
});

describe('identification message wording', () => {
  it('names the company, says why it called, gives a callback number and the opt-out key', () => {
    const { identification, goodbye } = abandonMessageText({ companyName: ' Acme Solar ', callbackNumber: '+15550001111', optOutDigit: '9' });
    expect(identification).toBe(
      'Hello, this is Acme Solar. We called you for telemarketing purposes, and we are sorry that no representative is free to speak with you right now. ' +
        'To call us back, dial 5 5 5, 0 0 0, 1 1 1 1. To be removed from our calling list, press 9 now.',
    );
    expect(goodbye).toBe('Thank you. Goodbye.');
  });

  it('reads numbers digit by digit in national form where it knows the country', () => {
    expect(spokenPhoneNumber('+15550001111')).toBe('5 5 5, 0 0 0, 1 1 1 1');
    expect(spokenPhoneNumber('+447700900123')).toBe('0 7 7 0 0, 9 0 0 1 2 3');
    expect(spokenPhoneNumber('+33123456789')).toBe('plus 3 3 1, 2 3 4, 5 6 7, 8 9');
    expect(() => spokenPhoneNumber('call us')).toThrow('callbackNumber "call us" is not an E.164 number');
  });

  it('names * and # the way callers in each country know them', () => {
    expect([spokenKey('9'), spokenKey('*'), spokenKey('#'), spokenKey('#', 'en-GB')]).toEqual(['9', 'star', 'pound', 'hash']);
  });
});
