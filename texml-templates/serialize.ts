/**
 * Writes a `TexmlDocument` as TeXML text with xmlbuilder2. The tree is validated first,
 * so nothing Telnyx would refuse leaves this function. Output is deterministic, to keep
 * snapshot diffs meaningful: attributes in the order of each element's spec table,
 * two-space indentation, no trailing newline. xmlbuilder2 escapes all text and
 * attribute values (`&`, `<`, `>` and, in attributes, `"`), so user data such as names
 * and numbers is never spliced into markup.
 *
 * @module
 */

import { create } from 'xmlbuilder2';
import { ROOT_ELEMENT, specOf } from './registry.ts';
import { validateTexml } from './schema.ts';
import type { TexmlNode } from './spec.ts';
import type { TexmlDocument } from './types.ts';
import { formatValue } from './values.ts';

/** xmlbuilder2 does not export its builder type from the package root. */
type XmlBuilder = ReturnType<typeof create>;

function writeElement(parent: XmlBuilder, node: TexmlNode): void {
  const spec = specOf(node.name);
  const given = node.attributes as Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
  const attributes: Record<string, string> = {};
  for (const attribute of Object.keys(spec.attributes)) {
    const value = given[attribute];
    if (value !== undefined) attributes[attribute] = formatValue(value);
  }
  const element = parent.ele(node.name, attributes);
  if ('children' in node) {
    for (const child of node.children) writeElement(element, child);
  } else if ('text' in node && node.text !== '') {
    element.txt(node.text);
  }
}

/** The document as TeXML text, starting with the `<?xml …?>` declaration. */
export function serialize(doc: TexmlDocument): string {
  validateTexml(doc);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(ROOT_ELEMENT);
  for (const verb of doc.verbs) writeElement(root, verb);
  return root.end({ prettyPrint: true, indent: '  ' });
}
