/**
 * The element specs as data: the registry is consistent, and for every element with
 * every attribute set, the serializer writes attributes in spec order and parsing gives
 * the same typed values back.
 */
import { describe, expect, it } from 'vitest';
import {
  elementSpecs,
  parseTexml,
  RESPONSE_CHILDREN,
  serialize,
  type AnyElementSpec,
  type ElementName,
  type TexmlDocument,
  type ValueSpec,
  type VerbNode,
} from '../../../texml-templates/index.ts';

const entries = Object.entries(elementSpecs) as Array<[ElementName, AnyElementSpec]>;
const NOUNS: readonly ElementName[] = ['Number', 'Sip', 'Conference', 'Queue'];

/** Candidate strings for pattern-constrained values; the first that fits is used. */
const STRING_SAMPLES = ['+15551234567', 'sip:agent@sip.telnyx.com', 'en-US', '1#', 'Polly.Amy', 'Acme Sales'];

function sampleValue(spec: ValueSpec): string | number | boolean | string[] {
  switch (spec.kind) {
    case 'integer':
      return spec.min;
    case 'boolean':
      return true;
    case 'enum':
      return spec.values[spec.values.length - 1] as string;
    case 'list':
      return [...spec.values];
    case 'url':
      return 'https://app.example/hook?a=1&b=2';
    case 'string': {
      const fitting = STRING_SAMPLES.find((candidate) => !spec.pattern || spec.pattern.test(candidate));
      if (fitting === undefined) throw new Error(`no sample fits ${spec.doc}`);
      return fitting;
    }
  }
}

/** A document holding `name` with every attribute set, attributes given in reverse spec order. */
function documentWithEveryAttribute(name: ElementName, spec: AnyElementSpec): TexmlDocument {
  const attributes = Object.fromEntries(
    Object.entries(spec.attributes)
      .reverse()
      .map(([attribute, valueSpec]) => [attribute, sampleValue(valueSpec)]),
  );
  const node: Record<string, unknown> = { name, attributes };
  if (spec.content.kind === 'children') node.children = spec.content.min > 0 ? [{ name: 'Number', attributes: {}, text: '+15551234567' }] : [];
  if (spec.content.kind === 'text') node.text = spec.content.required ? String(sampleValue(spec.content.value)) : '';
  const verb = NOUNS.includes(name) ? { name: 'Dial', attributes: {}, children: [node] } : node;
  return { verbs: [verb as unknown as VerbNode] };
}

describe('element registry', () => {
  it.each(entries)('%s: is filed under its own name, with documented, well-formed value specs', (name, spec) => {
    expect(spec.name).toBe(name);
    expect(spec.doc).not.toBe('');
    for (const [attribute, valueSpec] of Object.entries(spec.attributes)) {
      expect(valueSpec.doc, `${name}@${attribute} doc`).not.toBe('');
      if (valueSpec.kind === 'integer' && valueSpec.max !== undefined) expect(valueSpec.min).toBeLessThanOrEqual(valueSpec.max);
      if (valueSpec.kind === 'enum' || valueSpec.kind === 'list') {
        expect(valueSpec.values.length).toBeGreaterThan(0);
        expect(new Set(valueSpec.values).size).toBe(valueSpec.values.length);
      }
    }
    if (spec.content.kind === 'children') {
      for (const child of spec.content.allowed) expect(Object.keys(elementSpecs)).toContain(child);
    }
  });

  it('puts only verbs under <Response>, and nouns only under <Dial>', () => {
    expect(RESPONSE_CHILDREN.filter((name) => NOUNS.includes(name))).toEqual([]);
    const parentsOfNouns = entries.filter(([, spec]) => spec.content.kind === 'children' && spec.content.allowed.some((child) => NOUNS.includes(child)));
    expect(parentsOfNouns.map(([name]) => name)).toEqual(['Dial']);
  });

  it.each(entries)('%s: every attribute is written in spec order and reads back as the same value', (name, spec) => {
    const doc = documentWithEveryAttribute(name, spec);
    const xml = serialize(doc);
    const tag = new RegExp(`<${name}( [^>]*?)/?>`).exec(xml)?.[1] ?? '';
    const writtenOrder = [...tag.matchAll(/ ([A-Za-z]+)="/g)].map((match) => match[1]);
    expect(writtenOrder).toEqual(Object.keys(spec.attributes));
    expect(parseTexml(xml)).toEqual(doc);
  });
});
