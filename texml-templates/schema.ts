/**
 * The runtime schema: `parseTexml()` reads TeXML text into the typed tree of
 * `types.ts`, and `validateTexml()` checks a tree built in code. Both walk the same
 * element specs (`registry.ts`), so the sandbox refuses exactly what the builder would
 * refuse to write, and both collect every issue before throwing, so one run shows all
 * that is wrong with a document.
 *
 * @module
 */

import { issueAt, TexmlValidationError, type TexmlIssue } from './errors.ts';
import { allowedChildren, isElementName, ROOT_ELEMENT, specOf, UNMODELLED_ELEMENTS } from './registry.ts';
import type { AnyElementSpec, TexmlNode } from './spec.ts';
import type { TexmlDocument, VerbNode } from './types.ts';
import { checkValue, parseValue, showValue } from './values.ts';
import { readXml, XmlSyntaxError, type XmlElement } from './xml-reader.ts';

/**
 * An element before validation, typed or not: a node from code, or one read from XML
 * whose attribute values are still strings.
 */
interface Candidate {
  name: string;
  attributes?: unknown;
  text?: unknown;
  children?: unknown;
}

/** Whether attribute values are typed already (`tree`) or raw strings read from XML (`xml`). */
type ValueSource = 'tree' | 'xml';

/** `Response/Dial[0]` style path of the `index`-th `name` child under `parentPath`. */
export function childPath(parentPath: string, name: string, index: number): string {
  return `${parentPath}/${name}[${index}]`;
}

/** Gives each child its path, counting same-named siblings from 0. */
function withPaths<T extends { name: string }>(children: readonly T[], parentPath: string): Array<[T, string]> {
  const seen = new Map<string, number>();
  return children.map((child) => {
    const index = seen.get(child.name) ?? 0;
    seen.set(child.name, index + 1);
    return [child, childPath(parentPath, child.name, index)];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function unknownAttributeProblem(spec: AnyElementSpec, attribute: string): string {
  const known = Object.keys(spec.attributes);
  if (known.length === 0) return `unknown attribute; <${spec.name}> takes none`;
  const sameLetters = known.find((name) => name.toLowerCase() === attribute.toLowerCase());
  return sameLetters ? `unknown attribute; did you mean ${sameLetters}?` : 'unknown attribute';
}

function checkAttributes(spec: AnyElementSpec, given: unknown, source: ValueSource, path: string, issues: TexmlIssue[]): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  if (!isRecord(given)) {
    if (given !== undefined) issues.push(issueAt(path, spec.name, 'attributes must be an object'));
    return typed;
  }
  for (const [attribute, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const valueSpec = Object.hasOwn(spec.attributes, attribute) ? spec.attributes[attribute] : undefined;
    if (valueSpec === undefined) {
      issues.push(issueAt(path, spec.name, unknownAttributeProblem(spec, attribute), attribute));
      continue;
    }
    if (source === 'xml') {
      const parsed = parseValue(valueSpec, String(value), 'attribute');
      if (parsed.ok) typed[attribute] = parsed.value;
      else issues.push(issueAt(path, spec.name, parsed.problem, attribute));
    } else {
      const problem = checkValue(valueSpec, value, 'attribute');
      if (problem === undefined) typed[attribute] = value;
      else issues.push(issueAt(path, spec.name, problem, attribute));
    }
  }
  return typed;
}

/** The element's text; `undefined` when it is not a string (already reported). */
function textOf(candidate: Candidate, spec: AnyElementSpec, path: string, issues: TexmlIssue[]): string | undefined {
  if (candidate.text === undefined) return '';
  if (typeof candidate.text === 'string') return candidate.text;
  issues.push(issueAt(path, spec.name, `text must be a string, not ${showValue(candidate.text)}`));
  return undefined;
}

function childrenOf(candidate: Candidate, spec: AnyElementSpec, path: string, issues: TexmlIssue[]): Candidate[] {
  if (candidate.children === undefined) return [];
  if (Array.isArray(candidate.children) && candidate.children.every((child) => isRecord(child) && typeof child.name === 'string')) {
    return candidate.children as Candidate[];
  }
  issues.push(issueAt(path, spec.name, 'children must be a list of elements'));
  return [];
}

function checkTextContent(
  content: Extract<AnyElementSpec['content'], { kind: 'text' }>,
  text: string,
  element: string,
  path: string,
  issues: TexmlIssue[],
): void {
  const { value, required } = content;
  if (text === '') {
    const expected = value.kind === 'string' ? (value.patternDoc ?? value.doc) : value.doc;
    if (required) issues.push(issueAt(path, element, `text is required (${expected})`));
    return;
  }
  const problem = checkValue(value, text, 'text');
  if (problem !== undefined) issues.push(issueAt(path, element, `text ${problem}`));
}

/**
 * Validates one element and everything inside it, appending to `issues`; returns the
 * typed node (meaningful only when no issue was added).
 */
function walkElement(candidate: Candidate, parent: string, path: string, source: ValueSource, issues: TexmlIssue[]): TexmlNode | undefined {
  const { name } = candidate;
  if (!isElementName(name)) {
    issues.push(issueAt(path, name, UNMODELLED_ELEMENTS[name] ?? 'unknown element'));
    return undefined;
  }
  const spec = specOf(name);
  const issuesBefore = issues.length;
  const allowed = allowedChildren(parent);
  if (!allowed.includes(name)) {
    const where = allowed.length === 0 ? `<${parent}> takes no child elements` : `allowed: ${allowed.join(', ')}`;
    issues.push(issueAt(path, name, `not allowed inside ${parent} (${where})`));
  }
  const attributes = checkAttributes(spec, candidate.attributes, source, path, issues);
  const text = textOf(candidate, spec, path, issues);
  const children = childrenOf(candidate, spec, path, issues);
  const node: Record<string, unknown> = { name, attributes };

  const strayText = text?.trim();
  if (spec.content.kind === 'children') {
    if (strayText) issues.push(issueAt(path, name, `unexpected text ${showValue(strayText)}; only child elements go here`));
    if (children.length < spec.content.min) {
      issues.push(issueAt(path, name, `needs at least ${spec.content.min} child element (${listNames(spec.content.allowed)})`));
    }
    node.children = withPaths(children, path).map(([child, childAt]) => walkElement(child, name, childAt, source, issues));
  } else {
    // Any child here is misplaced; walking it reports that (and what else is wrong with it).
    for (const [child, childAt] of withPaths(children, path)) walkElement(child, name, childAt, source, issues);
    if (spec.content.kind === 'empty') {
      if (strayText) issues.push(issueAt(path, name, `takes no text, found ${showValue(strayText)}`));
    } else if (text !== undefined) {
      node.text = text;
      checkTextContent(spec.content, text, name, path, issues);
    }
  }
  const typed = node as unknown as TexmlNode;
  if (issues.length === issuesBefore && spec.crossCheck) {
    for (const violation of spec.crossCheck(typed)) issues.push(issueAt(path, name, violation.message, violation.attribute));
  }
  return typed;
}

/**
 * Checks one element built in code as the child of `parent` at `path`. Used by the
 * builder to fail at the call that added the bad element.
 */
export function findNodeIssues(node: TexmlNode, parent: string, path: string): TexmlIssue[] {
  const issues: TexmlIssue[] = [];
  walkElement(node, parent, path, 'tree', issues);
  return issues;
}

function walkDocument(verbs: unknown, source: ValueSource, issues: TexmlIssue[]): VerbNode[] {
  if (!Array.isArray(verbs) || !verbs.every((verb) => isRecord(verb) && typeof verb.name === 'string')) {
    issues.push(issueAt(ROOT_ELEMENT, ROOT_ELEMENT, 'verbs must be a list of elements'));
    return [];
  }
  return withPaths(verbs as Candidate[], ROOT_ELEMENT).map(
    ([verb, path]) => walkElement(verb, ROOT_ELEMENT, path, source, issues) as VerbNode,
  );
}

/** Checks a tree built in code; returns it unchanged, or throws `TexmlValidationError`. */
export function validateTexml(doc: TexmlDocument): TexmlDocument {
  const issues: TexmlIssue[] = [];
  walkDocument(isRecord(doc) ? doc.verbs : undefined, 'tree', issues);
  if (issues.length > 0) throw new TexmlValidationError(issues);
  return doc;
}

/**
 * Turns an element read from XML into a candidate: attributes as a record of strings,
 * text joined and trimmed, and a bare number inside `<Dial>` (`<Dial>+1555…</Dial>`,
 * which TeXML allows) turned into the `<Number>` child it stands for.
 */
function fromXml(element: XmlElement): Candidate {
  const attributes = Object.fromEntries(element.attributes.map(({ name, value }) => [name, value]));
  const text = element.children
    .map((child) => (child.kind === 'text' ? child.text : ''))
    .join('')
    .trim();
  const children = element.children.filter((child) => child.kind === 'element').map(fromXml);
  if (element.name === 'Dial' && children.length === 0 && text !== '') {
    return { name: element.name, attributes, text: '', children: [{ name: 'Number', attributes: {}, text }] };
  }
  return { name: element.name, attributes, text, children };
}

/**
 * Reads and validates a TeXML document, returning the typed tree: integers as numbers,
 * booleans as booleans, space-separated lists as arrays, text trimmed. Throws
 * `TexmlValidationError` listing every issue, including malformed XML.
 */
export function parseTexml(xml: string): TexmlDocument {
  let root: XmlElement;
  try {
    root = readXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new TexmlValidationError([{ path: '', element: '#document', message: error.message }]);
    throw error;
  }
  if (root.name !== ROOT_ELEMENT) {
    throw new TexmlValidationError([issueAt(root.name, root.name, `the root element must be <${ROOT_ELEMENT}>`)]);
  }
  const issues: TexmlIssue[] = [];
  for (const { name } of root.attributes) {
    issues.push(issueAt(ROOT_ELEMENT, ROOT_ELEMENT, `unknown attribute; <${ROOT_ELEMENT}> takes none`, name));
  }
  const candidate = fromXml(root);
  if (typeof candidate.text === 'string' && candidate.text !== '') {
    issues.push(issueAt(ROOT_ELEMENT, ROOT_ELEMENT, `unexpected text ${showValue(candidate.text)}; only verbs go here`));
  }
  const verbs = walkDocument(candidate.children, 'xml', issues);
  if (issues.length > 0) throw new TexmlValidationError(issues);
  return { verbs };
}
