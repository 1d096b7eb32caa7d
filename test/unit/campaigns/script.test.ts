/**
 * The script renderer: placeholders filled from the lead as plain text, missing ones
 * empty, and nothing in a template or a lead ever evaluated.
 */
import { describe, expect, it } from 'vitest';
import { renderScript, type ScriptLead } from '../../../server/campaigns/script.ts';

const lead: ScriptLead = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+15550001001',
  fields: { plan: 'gold', 'account.id': 'A-17', html: '<b>bold</b> & "quoted"', count: '3' },
};

describe('renderScript', () => {
  it('fills the lead placeholders, with or without spaces inside the braces', () => {
    expect(renderScript('Hi {{lead.firstName}} {{ lead.lastName }}, your {{lead.fields.plan}} plan ({{lead.phone}}).', lead)).toBe(
      'Hi Ada Lovelace, your gold plan (+15550001001).',
    );
  });

  it('takes a field name with dots as it was imported', () => {
    expect(renderScript('Account {{lead.fields.account.id}}', lead)).toBe('Account A-17');
  });

  it('renders missing or unknown placeholders as empty', () => {
    expect(renderScript('[{{lead.fields.nope}}][{{lead.middleName}}][{{campaign.name}}][{{}}][{{lead}}]', lead)).toBe('[][][][][]');
    expect(renderScript('Hi {{lead.firstName}}', { ...lead, firstName: null })).toBe('Hi ');
  });

  it('returns plain text: escaping for HTML is the client’s job', () => {
    expect(renderScript('{{lead.fields.html}}', lead)).toBe('<b>bold</b> & "quoted"');
  });

  it('never evaluates anything, nor reaches prototype properties', () => {
    const template = '{{lead.fields.constructor}}{{lead.fields.__proto__}}{{lead.fields.toString}}{{ process.exit(1) }}{{lead.firstName.length}}${1+1}';
    expect(renderScript(template, lead)).toBe('${1+1}');
    // A value that looks like a placeholder or code is inserted as it is, not rendered again.
    expect(renderScript('{{lead.fields.x}}', { ...lead, fields: { x: '{{lead.phone}} ${process.env}' } })).toBe('{{lead.phone}} ${process.env}');
  });

  it('leaves text without placeholders, and unbalanced braces, alone', () => {
    expect(renderScript('No placeholders {here} {{ or here', lead)).toBe('No placeholders {here} {{ or here');
  });
});
