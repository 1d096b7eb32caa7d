/**
 * The strict XML reader: each case is one that xmlbuilder2 4.0.3's own parser accepts
 * or mangles, or a well-formedness rule Telnyx's parser would enforce.
 */
import { describe, expect, it } from 'vitest';
import { readXml, XmlSyntaxError } from '../../../texml-templates/xml-reader.ts';

function syntaxErrorOf(xml: string): XmlSyntaxError {
  try {
    readXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(xml)} to be refused`);
}

describe('readXml: well-formed input', () => {
  it('reads elements, attributes, text and references', () => {
    expect(readXml(`<?xml version="1.0" encoding="UTF-8"?>\n<R a="1 &amp; 2" b='&quot;x&quot;'>t&lt;<C/></R>`)).toEqual({
      kind: 'element',
      name: 'R',
      attributes: [
        { name: 'a', value: '1 & 2' },
        { name: 'b', value: '"x"' },
      ],
      children: [
        { kind: 'text', text: 't<' },
        { kind: 'element', name: 'C', attributes: [], children: [] },
      ],
    });
  });

  it('skips a byte-order mark, comments and processing instructions, and reads CRLF as LF', () => {
    const root = readXml('\uFEFF<!-- a --><?style x?>\r\n<R>a\r\nb<?pi?><!-- c --></R>\r\n<!-- d -->');
    expect(root.children).toEqual([{ kind: 'text', text: 'a\nb' }]);
  });

  it('folds literal tabs and newlines in attribute values into spaces, as XML requires', () => {
    expect(readXml('<R a="x\ty\nz"/>').attributes).toEqual([{ name: 'a', value: 'x y z' }]);
  });

  it('decodes decimal and hex character references outside the BMP', () => {
    expect(readXml('<R>&#128512;&#x1F600;</R>').children).toEqual([{ kind: 'text', text: '😀😀' }]);
  });
});

describe('readXml: refused input', () => {
  const cases: Array<[string, string, string]> = [
    ['a closing tag that does not match', '<Response><Say>hi</Dial></Response>', 'closing tag </Dial> does not match <Say>'],
    ['an element never closed', '<Response><Say>hi</Say>', '<Response> is never closed'],
    ['a duplicate attribute', '<Say a="1" a="2"/>', 'attribute a appears twice in <Say>'],
    ['an unquoted attribute value', '<Say a=1/>', 'attribute value must be quoted'],
    ['attributes without whitespace between them', '<Say a="1"b="2"/>', 'expected whitespace, ">" or "/>" in <Say>'],
    ['"<" inside an attribute value', '<Say a="<"/>', '"<" is not allowed in an attribute value'],
    ['a bare ampersand', '<Say>Tom & Jerry</Say>', '"&" must start an entity reference'],
    ['an undefined entity', '<Say>&nbsp;</Say>', 'unknown entity &nbsp;'],
    ['a character reference to a control character', '<Say>&#1;</Say>', '&#1; is not a character XML allows'],
    ['a raw control character', '<Say>\u0001</Say>', 'character U+0001 is not allowed in XML'],
    ['text after the root element', '<Response/>trailing', 'only comments and whitespace may follow the root element'],
    ['a second root element', '<Response/><Response/>', 'only comments and whitespace may follow the root element'],
    ['an empty document', '  ', 'the document has no root element'],
    ['text instead of a root element', 'not xml', 'expected the root element'],
    ['a DOCTYPE', '<!DOCTYPE Response [<!ENTITY a "b">]><Response/>', 'DOCTYPE is not allowed in TeXML'],
    ['XML version 1.1', '<?xml version="1.1"?><Response/>', 'XML version 1.1 is not supported'],
    ['a declaration that is not first', ' <?xml version="1.0"?><Response/>', 'the XML declaration must come first'],
    ['"--" inside a comment', '<Response><!-- a -- b --></Response>', '"--" is not allowed inside a comment'],
    ['"]]>" in text', '<Say>a]]>b</Say>', '"]]>" is not allowed in text'],
    ['an unterminated CDATA section', '<Say><![CDATA[abc</Say>', 'CDATA section is never closed'],
  ];

  it.each(cases)('refuses %s', (_what, xml, reason) => {
    expect(syntaxErrorOf(xml).reason).toContain(reason);
  });

  it('gives the 1-based line and column of the problem', () => {
    const error = syntaxErrorOf('<Response>\n  <Dial>\n    <Number a="1" a="2">+1</Number>\n  </Dial>\n</Response>');
    expect([error.line, error.column]).toEqual([3, 19]);
    expect(error.message).toBe('malformed XML at line 3, column 19: attribute a appears twice in <Number>');
  });
});
