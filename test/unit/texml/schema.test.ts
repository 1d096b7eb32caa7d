/**
 * `parseTexml()` and `validateTexml()`: coercion into the typed tree, normalisation,
 * and the issues reported for documents Telnyx would refuse.
 */
import { describe, expect, it } from 'vitest';
import { parseTexml, validateTexml, type TexmlDocument } from '../../../texml-templates/index.ts';
import { validationErrorOf } from './validation-error.ts';

const issuesOf = (xml: string) => validationErrorOf(() => parseTexml(xml)).issues;

describe('parseTexml: reading into the typed tree', () => {
  it('coerces integers, booleans and lists, and trims text', () => {
    const doc = parseTexml(`<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Dial timeout="20" answerOnBridge="true" hangupOnStar="false" action="https://a.example/x?y=1&amp;z=2">
    <Number statusCallbackEvent="  initiated   completed ">
      +15551234567
    </Number>
  </Dial>
  <Gather input="dtmf speech" numDigits="1"><Say loop="0">Hi &amp; bye</Say></Gather>
</Response>`);
    expect(doc).toEqual({
      verbs: [
        {
          name: 'Dial',
          attributes: { timeout: 20, answerOnBridge: true, hangupOnStar: false, action: 'https://a.example/x?y=1&z=2' },
          children: [{ name: 'Number', attributes: { statusCallbackEvent: ['initiated', 'completed'] }, text: '+15551234567' }],
        },
        {
          name: 'Gather',
          attributes: { input: ['dtmf', 'speech'], numDigits: 1 },
          children: [{ name: 'Say', attributes: { loop: 0 }, text: 'Hi & bye' }],
        },
      ],
    });
  });

  it('turns a bare number inside <Dial> into a <Number> child', () => {
    expect(parseTexml('<Response><Dial callerId="+15550001111">\n  +15551234567\n</Dial></Response>')).toEqual({
      verbs: [
        {
          name: 'Dial',
          attributes: { callerId: '+15550001111' },
          children: [{ name: 'Number', attributes: {}, text: '+15551234567' }],
        },
      ],
    });
  });

  it('accepts comments, CDATA, character references and single quotes', () => {
    const doc = parseTexml(`<!-- generated --><Response><Say voice='alice'>A<![CDATA[ & B ]]>&#x43;&#68;</Say><!-- end --></Response>`);
    expect(doc.verbs).toEqual([{ name: 'Say', attributes: { voice: 'alice' }, text: 'A & B CD' }]);
  });

  it('accepts an empty <Response/>', () => {
    expect(parseTexml('<Response/>')).toEqual({ verbs: [] });
  });
});

describe('parseTexml: what it rejects', () => {
  it('reports every issue in document order, each with its path', () => {
    const issues = issuesOf(`<Response>
  <Say loop="11">x</Say>
  <Dial timeout="4"><Number>+15551234567</Number><Number machineDetection="On">+15557654321</Number></Dial>
  <Record/>
</Response>`);
    expect(issues).toEqual([
      { path: 'Response/Say[0]', element: 'Say', attribute: 'loop', message: 'Say@loop: 11 is outside 0–10' },
      { path: 'Response/Dial[0]', element: 'Dial', attribute: 'timeout', message: 'Dial@timeout: 4 is outside 5–120' },
      {
        path: 'Response/Dial[0]/Number[1]',
        element: 'Number',
        attribute: 'machineDetection',
        message: 'Number@machineDetection: "On" is not one of Enable, DetectMessageEnd, Disable',
      },
      {
        path: 'Response/Record[0]',
        element: 'Record',
        message: 'Record: <Record> is a TeXML verb this dialler does not use, so its schema does not accept it',
      },
    ]);
  });

  it('suggests the right spelling for an attribute in the wrong case', () => {
    expect(issuesOf('<Response><Dial><Number statuscallback="/s">+15551234567</Number></Dial></Response>')[0]?.message).toBe(
      'Number@statuscallback: unknown attribute; did you mean statusCallback?',
    );
  });

  it('rejects booleans other than true/false and integers that are not whole', () => {
    expect(issuesOf('<Response><Dial answerOnBridge="TRUE" timeout="5.5"><Number>+15551234567</Number></Dial></Response>').map((i) => i.message)).toEqual([
      'Dial@answerOnBridge: "TRUE" is not true or false',
      'Dial@timeout: "5.5" is not a whole number',
    ]);
  });

  it('rejects an unknown event in a list attribute and an empty list', () => {
    expect(issuesOf('<Response><Dial><Sip statusCallbackEvent="initiated bridged">sip:a@sip.telnyx.com</Sip></Dial></Response>')[0]?.message).toBe(
      'Sip@statusCallbackEvent: "bridged" is not one of initiated, ringing, answered, amd, dtmf, completed',
    );
    expect(issuesOf('<Response><Dial><Sip statusCallbackEvent=" ">sip:a@sip.telnyx.com</Sip></Dial></Response>')[0]?.message).toMatch(
      /^Sip@statusCallbackEvent: is empty/,
    );
  });

  it('rejects attributes on <Response> and text between verbs', () => {
    expect(issuesOf('<Response version="2">hello<Hangup/></Response>').map((i) => i.message)).toEqual([
      'Response@version: unknown attribute; <Response> takes none',
      'Response: unexpected text "hello"; only verbs go here',
    ]);
  });

  it('rejects text in a container verb and in a self-closing verb', () => {
    expect(issuesOf('<Response><Gather>press 1</Gather><Hangup>now</Hangup></Response>').map((i) => i.message)).toEqual([
      'Gather: unexpected text "press 1"; only child elements go here',
      'Hangup: takes no text, found "now"',
    ]);
  });

  it('rejects a <Dial> mixing a bare number with nouns', () => {
    expect(issuesOf('<Response><Dial>+15551234567<Number>+15557654321</Number></Dial></Response>')[0]?.message).toBe(
      'Dial: unexpected text "+15551234567"; only child elements go here',
    );
  });

  it('rejects elements nested in a text-only element', () => {
    expect(issuesOf('<Response><Say>Hi<Pause/></Say></Response>')[0]).toEqual({
      path: 'Response/Say[0]/Pause[0]',
      element: 'Pause',
      message: 'Pause: not allowed inside Say (<Say> takes no child elements)',
    });
  });

  it('reports malformed XML as one #document issue with line and column', () => {
    expect(issuesOf('<Response>\n  <Say>hi</Dial>\n</Response>')).toEqual([
      { path: '', element: '#document', message: 'malformed XML at line 2, column 10: closing tag </Dial> does not match <Say>' },
    ]);
  });
});

describe('validateTexml: trees built in code', () => {
  const valid: TexmlDocument = {
    verbs: [{ name: 'Dial', attributes: { timeout: 30 }, children: [{ name: 'Sip', attributes: {}, text: 'sip:a@sip.telnyx.com' }] }],
  };

  it('returns a valid tree unchanged', () => {
    expect(validateTexml(valid)).toBe(valid);
  });

  it('rejects unknown element names and values of the wrong type', () => {
    const doc = {
      verbs: [
        { name: 'Speak', attributes: {}, text: 'x' },
        { name: 'Pause', attributes: { length: 2.5 } },
        { name: 'Say', attributes: { loop: 1 }, text: 42 },
      ],
    } as unknown as TexmlDocument;
    expect(validationErrorOf(() => validateTexml(doc)).issues.map((i) => i.message)).toEqual([
      'Speak: unknown element',
      'Pause@length: 2.5 is not a whole number',
      'Say: text must be a string, not 42',
    ]);
  });

  it('rejects a document whose verbs are not a list', () => {
    expect(() => validateTexml({ verbs: 'Hangup' } as unknown as TexmlDocument)).toThrow('Response: verbs must be a list of elements');
  });
});
