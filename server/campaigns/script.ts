/**
 * The agent's call script: plain text with `{{lead.…}}` placeholders, filled from the
 * lead. A template is data, never code: a placeholder is a dotted path looked up in a
 * fixed set of lead values, nothing is evaluated, and the output is plain text (the
 * softphone shows it as text, so escaping for HTML is the client's job, not ours).
 *
 * Placeholders: `{{lead.firstName}}`, `{{lead.lastName}}`, `{{lead.phone}}`,
 * `{{lead.fields.<name>}}` (any imported column), with optional spaces inside the braces.
 * A placeholder naming nothing, or anything else between braces, renders as empty.
 *
 * @module
 */

export interface ScriptLead {
  firstName: string | null;
  lastName: string | null;
  phone: string;
  fields: Readonly<Record<string, unknown>>;
}

/** `{{ … }}` with no braces inside; at most 200 characters so a stray `{{` cannot scan the whole text. */
const PLACEHOLDER = /\{\{\s*([^{}]{0,200}?)\s*\}\}/g;

export function renderScript(template: string, lead: ScriptLead): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => lookup(path, lead));
}

function lookup(path: string, lead: ScriptLead): string {
  const parts = path.split('.');
  if (parts[0] !== 'lead') return '';
  if (parts.length === 2) {
    switch (parts[1]) {
      case 'firstName':
        return lead.firstName ?? '';
      case 'lastName':
        return lead.lastName ?? '';
      case 'phone':
        return lead.phone;
      default:
        return '';
    }
  }
  if (parts.length >= 3 && parts[1] === 'fields') {
    // The rest is the field name as imported (it may contain dots); own keys only, so
    // `__proto__`, `constructor` and friends are just missing fields.
    const name = parts.slice(2).join('.');
    if (!Object.hasOwn(lead.fields, name)) return '';
    const value = lead.fields[name];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  }
  return '';
}
