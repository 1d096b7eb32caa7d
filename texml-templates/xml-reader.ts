/**
 * A strict, small XML 1.0 reader for TeXML documents.
 *
 * Why not xmlbuilder2's parser: version 4.0.3 accepts documents a conforming parser
 * refuses: a closing tag that does not match (`<Say>hi</Dial>`), elements never
 * closed, duplicate attributes (the last wins), a bare `&`, undefined entities, and
 * text after the root element. The sandbox must reject what Telnyx would reject, so
 * reading is done here; xmlbuilder2 still writes every document (`serialize.ts`).
 *
 * Supported: the XML declaration, elements, attributes, character and the five
 * predefined entity references, CDATA, comments and processing instructions (skipped).
 * Refused: DOCTYPE (TeXML needs none, and refusing it rules out entity-expansion
 * attacks), and anything not well-formed. Namespaces are not interpreted: a prefixed
 * name is just a name, which the schema then rejects as unknown.
 *
 * @module
 */

export interface XmlAttribute {
  name: string;
  value: string;
}

export interface XmlText {
  kind: 'text';
  /** Decoded text; CDATA sections arrive as text too. */
  text: string;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  /** In document order; names are unique. */
  attributes: XmlAttribute[];
  children: Array<XmlElement | XmlText>;
}

/** Not well-formed XML; `line` and `column` are 1-based. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`malformed XML at line ${line}, column ${column}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*/y;
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

class Scanner {
  pos = 0;
  readonly src: string;

  constructor(source: string) {
    // XML end-of-line handling: CR LF and lone CR both read as LF.
    this.src = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  }

  fail(reason: string, at: number = this.pos): never {
    const before = this.src.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new XmlSyntaxError(reason, line, column);
  }

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  startsWith(token: string): boolean {
    return this.src.startsWith(token, this.pos);
  }

  expect(token: string, what: string): void {
    if (!this.startsWith(token)) this.fail(`expected ${what}`);
    this.pos += token.length;
  }

  skipSpace(): boolean {
    const start = this.pos;
    while (/[ \t\n]/.test(this.src[this.pos] ?? '')) this.pos++;
    return this.pos > start;
  }

  readName(what: string): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.src);
    if (!match) this.fail(`expected ${what}`);
    this.pos += match[0].length;
    return match[0];
  }

  /** Reads up to `terminator` and past it; returns what came before. */
  readUntil(terminator: string, what: string): string {
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) this.fail(`${what} is never closed with ${terminator}`);
    const body = this.src.slice(this.pos, end);
    this.pos = end + terminator.length;
    return body;
  }

  readReference(): string {
    const start = this.pos;
    this.pos++;
    const end = this.src.indexOf(';', this.pos);
    const body = end < 0 ? '' : this.src.slice(this.pos, end);
    if (end < 0 || !/^(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_][A-Za-z0-9._-]*)$/.test(body)) {
      this.fail('"&" must start an entity reference such as &amp;', start);
    }
    this.pos = end + 1;
    if (body.startsWith('#')) {
      const codePoint = body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(codePoint)) this.fail(`&${body}; is not a character XML allows`, start);
      return String.fromCodePoint(codePoint);
    }
    const replacement = PREDEFINED_ENTITIES[body];
    if (replacement === undefined) this.fail(`unknown entity &${body};`, start);
    return replacement;
  }

  readAttributeValue(): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('attribute value must be quoted');
    this.pos++;
    let value = '';
    for (;;) {
      const char = this.src[this.pos];
      if (char === undefined) this.fail('attribute value is never closed');
      if (char === quote) break;
      if (char === '<') this.fail('"<" is not allowed in an attribute value');
      if (char === '&') {
        value += this.readReference();
        continue;
      }
      // Attribute-value normalisation: literal whitespace characters become spaces.
      value += char === '\n' || char === '\t' ? ' ' : char;
      this.pos++;
    }
    this.pos++;
    return value;
  }

  /** Skips comments, processing instructions and whitespace outside the root element. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) this.skipComment();
      else if (this.startsWith('<?')) this.skipProcessingInstruction();
      else return;
    }
  }

  skipComment(): void {
    const start = this.pos;
    this.pos += 4;
    const body = this.readUntil('-->', 'comment');
    if (body.includes('--') || body.endsWith('-')) this.fail('"--" is not allowed inside a comment', start);
  }

  skipProcessingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.readName('a processing-instruction target');
    if (target.toLowerCase() === 'xml') this.fail('the XML declaration must come first in the document', start);
    this.readUntil('?>', 'processing instruction');
  }

  readDeclaration(): void {
    if (!this.startsWith('<?xml') || /[A-Za-z0-9_:.-]/.test(this.src[this.pos + 5] ?? '')) return;
    this.pos += 5;
    const seen: string[] = [];
    while (this.skipSpace() && !this.startsWith('?>')) {
      const name = this.readName('a declaration field');
      this.skipSpace();
      this.expect('=', `"=" after ${name}`);
      this.skipSpace();
      const value = this.readAttributeValue();
      if (name === 'version' && value !== '1.0') this.fail(`XML version ${value} is not supported; use 1.0`);
      if (!['version', 'encoding', 'standalone'].includes(name) || seen.includes(name)) this.fail(`unexpected declaration field ${name}`);
      seen.push(name);
    }
    if (seen[0] !== 'version') this.fail('the XML declaration must start with version="1.0"');
    this.expect('?>', '"?>" to end the XML declaration');
  }

  /** Reads `<Name attr="v" …` up to and past `>` or `/>`. */
  readStartTag(): { element: XmlElement; selfClosing: boolean } {
    this.pos++;
    const name = this.readName('an element name after "<"');
    const element: XmlElement = { kind: 'element', name, attributes: [], children: [] };
    for (;;) {
      const spaced = this.skipSpace();
      if (this.startsWith('/>')) {
        this.pos += 2;
        return { element, selfClosing: true };
      }
      if (this.startsWith('>')) {
        this.pos++;
        return { element, selfClosing: false };
      }
      if (!spaced) this.fail(`expected whitespace, ">" or "/>" in <${name}>`);
      const attributeStart = this.pos;
      const attributeName = this.readName(`an attribute name, ">" or "/>" in <${name}>`);
      this.skipSpace();
      this.expect('=', `"=" after attribute ${attributeName}`);
      this.skipSpace();
      const value = this.readAttributeValue();
      if (element.attributes.some((attribute) => attribute.name === attributeName)) {
        this.fail(`attribute ${attributeName} appears twice in <${name}>`, attributeStart);
      }
      element.attributes.push({ name: attributeName, value });
    }
  }

  readCharData(): string {
    const start = this.pos;
    let end = start;
    while (end < this.src.length && this.src[end] !== '<' && this.src[end] !== '&') end++;
    const data = this.src.slice(start, end);
    const misplaced = data.indexOf(']]>');
    if (misplaced >= 0) this.fail('"]]>" is not allowed in text', start + misplaced);
    this.pos = end;
    return data;
  }
}

function appendText(element: XmlElement, text: string): void {
  const last = element.children.at(-1);
  if (last?.kind === 'text') last.text += text;
  else element.children.push({ kind: 'text', text });
}

/** Reads a whole document and returns its root element; throws `XmlSyntaxError`. */
export function readXml(source: string): XmlElement {
  const scanner = new Scanner(source);
  const invalid = INVALID_CHAR.exec(scanner.src);
  if (invalid) scanner.fail(`character U+${invalid[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, invalid.index);

  scanner.readDeclaration();
  scanner.skipMisc();
  if (scanner.startsWith('<!DOCTYPE')) scanner.fail('DOCTYPE is not allowed in TeXML');
  if (scanner.atEnd()) scanner.fail('the document has no root element');
  if (!scanner.startsWith('<')) scanner.fail('expected the root element');

  const first = scanner.readStartTag();
  const root = first.element;
  const open: XmlElement[] = first.selfClosing ? [] : [root];
  while (open.length > 0) {
    const current = open[open.length - 1] as XmlElement;
    if (scanner.atEnd()) scanner.fail(`<${current.name}> is never closed`);
    if (scanner.startsWith('</')) {
      const start = scanner.pos;
      scanner.pos += 2;
      const name = scanner.readName('an element name after "</"');
      scanner.skipSpace();
      scanner.expect('>', `">" to end </${name}>`);
      if (name !== current.name) scanner.fail(`closing tag </${name}> does not match <${current.name}>`, start);
      open.pop();
    } else if (scanner.startsWith('<!--')) {
      scanner.skipComment();
    } else if (scanner.startsWith('<![CDATA[')) {
      scanner.pos += 9;
      appendText(current, scanner.readUntil(']]>', 'CDATA section'));
    } else if (scanner.startsWith('<?')) {
      scanner.skipProcessingInstruction();
    } else if (scanner.startsWith('<!')) {
      scanner.fail('markup declarations are not allowed inside elements');
    } else if (scanner.startsWith('<')) {
      const child = scanner.readStartTag();
      current.children.push(child.element);
      if (!child.selfClosing) open.push(child.element);
    } else if (scanner.startsWith('&')) {
      appendText(current, scanner.readReference());
    } else {
      appendText(current, scanner.readCharData());
    }
  }
  scanner.skipMisc();
  if (!scanner.atEnd()) scanner.fail('only comments and whitespace may follow the root element');
  return root;
}
