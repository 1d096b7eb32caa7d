/**
 * Fixture documents, as jambonz keeps them (test/data/good, test/data/bad): every good
 * one must parse and survive a serialize/parse round trip; every bad one must be
 * refused with the message listed for it in `bad/expected.json`, which names the
 * element and, where there is one, the attribute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTexml, serialize } from '../../../texml-templates/index.ts';
import { validationErrorOf } from './validation-error.ts';

const fixturesDir = fileURLToPath(new URL('../../fixtures/texml/', import.meta.url));
const xmlFilesIn = (folder: string) => readdirSync(fixturesDir + folder).filter((name) => name.endsWith('.xml')).sort();
const read = (folder: string, name: string) => readFileSync(`${fixturesDir}${folder}/${name}`, 'utf8');

interface ExpectedRejection {
  /** The path of the issue that must be reported. */
  path: string;
  /** A substring of that issue's message. */
  message: string;
}

const expectedRejections = JSON.parse(read('bad', 'expected.json')) as Record<string, ExpectedRejection>;

describe('good fixtures', () => {
  const goodFiles = xmlFilesIn('good');

  it('exist', () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(goodFiles)('%s parses, and serializing it gives a document that parses to the same tree', (name) => {
    const doc = parseTexml(read('good', name));
    expect(doc.verbs.length).toBeGreaterThan(0);
    expect(parseTexml(serialize(doc))).toEqual(doc);
  });
});

describe('bad fixtures', () => {
  const badFiles = xmlFilesIn('bad');

  it('each have an expected message, and each expected message has a file', () => {
    expect(Object.keys(expectedRejections).sort()).toEqual(badFiles);
  });

  it.each(badFiles)('%s is refused with the expected message', (name) => {
    const expected = expectedRejections[name];
    const error = validationErrorOf(() => parseTexml(read('bad', name)));
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: expected?.path, message: expect.stringContaining(expected?.message ?? '(missing)') }),
    );
    expect(error.message).toContain(expected?.message);
  });
});
