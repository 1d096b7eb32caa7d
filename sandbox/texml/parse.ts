/**
 * The sandbox reads TeXML with the shared schema of `texml-templates/`, so it refuses
 * exactly what the dialer's own builder would refuse to write (code-models.md lesson 4).
 *
 * @module
 */

import { parseTexml, TexmlValidationError, type TexmlDocument, type TexmlIssue } from '../../texml-templates/index.ts';

export type ParsedTexml = { ok: true; doc: TexmlDocument } | { ok: false; issues: readonly TexmlIssue[] };

export function parseDocument(xml: string): ParsedTexml {
  try {
    return { ok: true, doc: parseTexml(xml) };
  } catch (error) {
    if (error instanceof TexmlValidationError) return { ok: false, issues: error.issues };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ path: '', element: '#document', message }] };
  }
}

/** `<Dial>` for a document that starts with a Dial; `<Response/>` for an empty one. */
export function firstVerbLabel(doc: TexmlDocument): string {
  const first = doc.verbs[0];
  return first ? `<${first.name}>` : '<Response/>';
}
