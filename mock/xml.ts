/**
 * The XML the SAML configuration takes (POST/PUT /backends/saml, its `metadata` file), read and written
 * back the way the real service does: it parses the file with Python's ElementTree (expat), refuses
 * what expat refuses with expat's message and position, and keeps `ElementTree.tostring(root)`, which
 * is what GET /backends/saml/metadata answers. That re-serialization drops the declaration, comments,
 * processing instructions and doctype, names namespaces `ns0`, `ns1`, … (a few well-known ones keep a
 * fixed prefix) declared on the root, writes empty elements as `<a />` and every non-ASCII character
 * as a decimal character reference. Measured on the real 25.01, 26.05 and master.
 *
 * A reader for configuration files, not a general XML parser: no DTD processing (a doctype is skipped,
 * entities it would declare are undefined, where expat would expand an internal one), UTF-8 only.
 * mock/xml.test.ts holds it to what the real service answered and to 750 documents run through Python's
 * ElementTree (mock/fixtures/xml-elementtree.py).
 */

/** A namespace-qualified name: `uri` is '' outside any namespace. */
export interface XmlName {
  uri: string;
  local: string;
}

/** An element as ElementTree keeps it: text before the first child, each child's tail after it. */
export interface XmlElement {
  name: XmlName;
  attributes: { name: XmlName; value: string }[];
  text: string;
  children: XmlElement[];
  tail: string;
}

/** Why expat refused a document, as Python's ParseError prints it: `<reason>: line L, column C`. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason}: line ${line}, column ${column}`);
  }
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
/** ElementTree's `_namespace_map`: namespaces written with a fixed prefix. */
const WELL_KNOWN_PREFIXES: Readonly<Record<string, string>> = {
  [XML_NAMESPACE]: 'xml',
  'http://www.w3.org/1999/xhtml': 'html',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://schemas.xmlsoap.org/wsdl/': 'wsdl',
  'http://www.w3.org/2001/XMLSchema': 'xs',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
  'http://purl.org/dc/elements/1.1/': 'dc',
};
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** Name characters as expat has them (XML 1.0 4th edition): letters of the BMP, never a character beyond it. */
const NAME_START = /^(?:[A-Za-z_:]|(?=[\u00C0-\uFFFD])\p{L})$/u;
const NAME_CHAR = /^(?:[A-Za-z0-9_:.\-\u00B7]|(?=[\u00C0-\uFFFD])[\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Lm}])$/u;
const SPACE = /[ \t\r\n]/;

/** The byte offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

/**
 * Parses `bytes` as ElementTree.parse does; throws {@link XmlSyntaxError} with expat's reason and position.
 * `maxDepth` bounds the nesting the reader follows (default 1000): deeper, it throws
 * {@link XmlDepthError} where expat would read on (and report a later syntax error first).
 */
export function parseXml(bytes: Uint8Array, options: { maxDepth?: number } = {}): XmlElement {
  const bad = invalidUtf8Offset(bytes);
  const source = Buffer.from(bytes.subarray(0, bad < 0 ? bytes.length : bad)).toString('utf8');
  return new Reader(source, options.maxDepth ?? DEFAULT_MAX_DEPTH).document(bad >= 0);
}

/** Elements nested deeper than the reader's `maxDepth` (which keeps its recursion far from the stack's limit). */
export class XmlDepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`elements nested deeper than ${maxDepth}`);
  }
}

/** Far below a JavaScript stack's limit; the real service cannot store a document deeper than 256 anyway. */
const DEFAULT_MAX_DEPTH = 1000;

class Reader {
  private pos = 0;
  private sawDoctype = false;
  constructor(
    private readonly src: string,
    private readonly maxDepth: number,
  ) {}

  /** The whole document; `truncated` when the bytes after `src` were not UTF-8 (an invalid token there). */
  document(truncated: boolean): XmlElement {
    try {
      if (/^<\?xml[ \t\r\n?]/.test(this.src)) this.xmlDeclaration();
      this.misc(false);
      if (this.pos >= this.src.length) throw this.fail('no element found', this.pos);
      const root = this.element(new Map([['xml', XML_NAMESPACE]]), 1);
      this.misc(true);
      if (truncated) throw this.fail('not well-formed (invalid token)', this.pos);
      return root;
    } catch (error) {
      // Where the text stops at bytes that are not UTF-8, expat stops there with an invalid token.
      if (truncated && error instanceof EndOfInput) throw this.fail('not well-formed (invalid token)', this.src.length);
      if (error instanceof EndOfInput) throw this.fail(error.reason, error.at);
      throw error;
    }
  }

  /** `<?xml version="..." [encoding="..."] [standalone="..."]?>` at the very start. */
  private xmlDeclaration(): void {
    const notWellFormed = (at: number) => this.fail('XML declaration not well-formed', at);
    this.pos = 5;
    const names: { name: string; at: number }[] = [];
    for (;;) {
      this.spaces();
      if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', 0);
      if (this.src.startsWith('?>', this.pos)) break;
      const at = this.pos;
      const first = this.codePointAt(this.pos);
      if (first === undefined || !NAME_START.test(first)) throw notWellFormed(at);
      const name = this.name();
      this.spaces();
      if (this.src[this.pos] !== '=') throw notWellFormed(this.pos);
      this.pos++;
      this.spaces();
      const quote = this.src[this.pos];
      const end = quote === '"' || quote === "'" ? this.src.indexOf(quote, this.pos + 1) : -1;
      if (end < 0) throw notWellFormed(this.pos);
      this.pos = end + 1;
      names.push({ name, at });
    }
    const expected = ['version', 'encoding', 'standalone'];
    if (names.length === 0) throw notWellFormed(5);
    let order = 0;
    for (const { name, at } of names) {
      const index = expected.indexOf(name);
      if (index < order || (order === 0 && index !== 0)) throw notWellFormed(at);
      order = index + 1;
    }
    this.pos += 2;
  }

  /**
   * Whitespace, comments, processing instructions and a doctype, before the root (`epilog` false: then
   * the root's `<` ends it) or after it (then anything but the end of input is refused).
   */
  private misc(epilog: boolean): void {
    for (;;) {
      this.spaces();
      if (this.pos >= this.src.length) return;
      if (this.src.startsWith('<!--', this.pos)) this.comment();
      else if (this.src.startsWith('<?', this.pos)) {
        if (epilog && /^<\?xml[ \t\r\n?]/.test(this.src.slice(this.pos, this.pos + 6))) throw this.fail('junk after document element', this.pos);
        this.processingInstruction();
      } else if (this.src.startsWith('<![', this.pos)) throw epilog ? this.fail('junk after document element', this.pos) : this.fail('syntax error', this.pos);
      else if (this.src.startsWith('<!', this.pos)) this.declaration(epilog);
      else if (this.src[this.pos] === '<') {
        if (this.pos + 1 >= this.src.length) throw new EndOfInput('unclosed token', this.pos);
        if (!epilog) return;
        if (this.src[this.pos + 1] === '/') throw this.fail('not well-formed (invalid token)', this.pos + 1);
        throw this.fail('junk after document element', this.pos);
      } else throw this.prologToken(epilog);
    }
  }

  /** What expat says of a token outside the root that is not markup: where a declaration's token would be, the prolog's "syntax error" (the epilog's "junk"). */
  private prologToken(epilog: boolean): Error {
    const at = this.pos;
    const c = this.src[at] ?? '';
    const misplaced = () => (epilog ? this.fail('junk after document element', at) : this.fail('syntax error', at));
    const afterName = () => {
      if (this.pos >= this.src.length || /[ \t\r\n>),|[%?*+]/.test(this.src[this.pos] ?? '')) return misplaced();
      return this.fail('not well-formed (invalid token)', this.pos);
    };
    if (c === '"' || c === "'") {
      const end = this.src.indexOf(c, at + 1);
      if (end < 0) return new EndOfInput('unclosed token', at);
      this.pos = end + 1;
      if (this.pos < this.src.length && !/[ \t\r\n>%[]/.test(this.src[this.pos] ?? '')) return this.fail('not well-formed (invalid token)', this.pos);
      return misplaced();
    }
    if (c === '#' || c === '%') {
      this.pos++;
      if (this.pos >= this.src.length) return new EndOfInput('unclosed token', at);
      const next = this.codePointAt(this.pos) ?? '';
      if (!NAME_START.test(next)) return c === '%' && /[ \t\r\n]/.test(next) ? misplaced() : this.fail('not well-formed (invalid token)', this.pos);
      this.name();
      if (c === '%' && this.src[this.pos] === ';') return this.fail('illegal parameter entity reference', at);
      return afterName();
    }
    if (c === ')') {
      // A closing parenthesis may be followed by an occurrence mark, a separator or the end of a declaration.
      const next = this.src[at + 1];
      if (next !== undefined && !/[ \t\r\n>),|*?+]/.test(next)) return this.fail('not well-formed (invalid token)', at + 1);
      return misplaced();
    }
    if (/[(,>[\]|]/.test(c)) return misplaced();
    if (NAME_CHAR.test(this.codePointAt(at) ?? '')) {
      for (let n = this.codePointAt(this.pos); n !== undefined && NAME_CHAR.test(n); n = this.codePointAt(this.pos)) this.pos += n.length;
      return afterName();
    }
    return this.fail('not well-formed (invalid token)', at);
  }

  /** `<!-- ... -->`: `--` may only close it. */
  private comment(): void {
    const start = this.pos;
    const end = this.src.indexOf('--', start + 4);
    if (end < 0) throw new EndOfInput('unclosed token', start);
    if (end + 2 >= this.src.length) throw new EndOfInput('unclosed token', start);
    if (this.src[end + 2] !== '>') throw this.fail('not well-formed (invalid token)', end + 2);
    this.pos = end + 3;
  }

  /** `<?target ...?>`; the target `xml` is a declaration out of place, another spelling of it refused. */
  private processingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', start);
    const target = this.name();
    if (target.toLowerCase() === 'xml') {
      if (target === 'xml') throw this.fail('XML or text declaration not at start of entity', start);
      throw this.fail('not well-formed (invalid token)', this.pos);
    }
    if (this.pos < this.src.length && !this.src.startsWith('?>', this.pos) && !SPACE.test(this.src[this.pos] ?? '')) throw this.fail('not well-formed (invalid token)', this.pos);
    const end = this.src.indexOf('?>', this.pos);
    if (end < 0) throw new EndOfInput('unclosed token', start);
    this.pos = end + 2;
  }

  /** `<!KEYWORD ...`: only one doctype, before the root; anything else is refused where expat refuses it. */
  private declaration(epilog: boolean): void {
    const start = this.pos;
    this.pos += 2;
    if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', start);
    if (!NAME_START.test(this.codePointAt(this.pos) ?? '')) throw this.fail('not well-formed (invalid token)', this.pos);
    const keyword = this.name();
    if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', start);
    if (!/[ \t\r\n[%]/.test(this.src[this.pos] ?? '')) throw this.fail('not well-formed (invalid token)', this.pos);
    if (epilog) throw this.fail('junk after document element', start);
    if (keyword !== 'DOCTYPE' || this.sawDoctype) throw this.fail('syntax error', start);
    this.sawDoctype = true;
    // Its content is skipped (no DTD processing): to the `>` outside brackets and quotes.
    let depth = 0;
    for (let quote = ''; this.pos < this.src.length; this.pos++) {
      const c = this.src[this.pos];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.pos++;
        return;
      }
    }
    throw new EndOfInput('no element found', this.src.length);
  }

  private element(scope: Map<string, string>, depth: number): XmlElement {
    if (depth > this.maxDepth) throw new XmlDepthError(this.maxDepth);
    const start = this.pos;
    if (start + 1 >= this.src.length) throw new EndOfInput('unclosed token', start);
    this.pos++; // '<'
    const qname = this.name();
    const raw: { qname: string; value: string; at: number }[] = [];
    let empty = false;
    for (;;) {
      const before = this.pos;
      this.spaces();
      if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', start);
      const c = this.src[this.pos];
      if (c === '>') {
        this.pos++;
        break;
      }
      if (c === '/') {
        if (this.src[this.pos + 1] === undefined) throw new EndOfInput('unclosed token', start);
        if (this.src[this.pos + 1] !== '>') throw this.fail('not well-formed (invalid token)', this.pos + 1);
        this.pos += 2;
        empty = true;
        break;
      }
      if (this.pos === before) throw this.fail('not well-formed (invalid token)', this.pos);
      const at = this.pos;
      const attribute = this.name();
      this.spaces();
      if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', start);
      if (this.src[this.pos] !== '=') throw this.fail('not well-formed (invalid token)', this.pos);
      this.pos++;
      this.spaces();
      if (raw.some((a) => a.qname === attribute)) throw this.fail('duplicate attribute', at);
      raw.push({ qname: attribute, value: this.attributeValue(start), at });
    }
    // Namespace declarations first, then the names they bind.
    const inner = new Map(scope);
    for (const a of raw) {
      if (a.qname === 'xmlns') inner.set('', a.value);
      else if (a.qname.startsWith('xmlns:')) inner.set(a.qname.slice(6), a.value);
    }
    const resolve = (q: string, isAttribute: boolean): XmlName => {
      const colon = q.indexOf(':');
      if (colon < 0) return { uri: isAttribute ? '' : (inner.get('') ?? ''), local: q };
      const uri = inner.get(q.slice(0, colon));
      if (!uri) throw this.fail('unbound prefix', start);
      return { uri, local: q.slice(colon + 1) };
    };
    const node: XmlElement = {
      name: resolve(qname, false),
      attributes: raw.filter((a) => a.qname !== 'xmlns' && !a.qname.startsWith('xmlns:')).map((a) => ({ name: resolve(a.qname, true), value: a.value })),
      text: '',
      children: [],
      tail: '',
    };
    if (!empty) this.content(node, qname, inner, depth);
    return node;
  }

  private content(node: XmlElement, qname: string, scope: Map<string, string>, depth: number): void {
    let text = '';
    const flush = () => {
      if (node.children.length === 0) node.text += text;
      else (node.children[node.children.length - 1] as XmlElement).tail += text;
      text = '';
    };
    for (;;) {
      if (this.pos >= this.src.length) throw new EndOfInput('no element found', this.pos);
      const c = this.src[this.pos];
      if (c === '<') {
        if (this.src.startsWith('</', this.pos)) {
          this.pos += 2;
          const at = this.pos;
          if (at >= this.src.length) throw new EndOfInput('unclosed token', at - 2);
          const closing = this.name();
          this.spaces();
          if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', at - 2);
          if (this.src[this.pos] !== '>') throw this.fail('not well-formed (invalid token)', this.pos);
          if (closing !== qname) throw this.fail('mismatched tag', at);
          this.pos++;
          flush();
          return;
        }
        if (this.src.startsWith('<!--', this.pos)) this.comment();
        else if (this.src.startsWith('<![CDATA[', this.pos)) {
          const end = this.src.indexOf(']]>', this.pos + 9);
          if (end < 0) throw new EndOfInput('unclosed CDATA section', this.src.length);
          text += this.src.slice(this.pos + 9, end).replace(/\r\n?/g, '\n');
          this.pos = end + 3;
        } else if (this.src.startsWith('<?', this.pos)) this.processingInstruction();
        else if (this.src[this.pos + 1] === '!') throw this.fail('not well-formed (invalid token)', this.pos + 2);
        else {
          flush();
          node.children.push(this.element(scope, depth + 1));
        }
      } else if (c === '&') text += this.reference();
      else if (c === ']' && this.src.startsWith(']]>', this.pos)) throw this.fail('not well-formed (invalid token)', this.pos + 2);
      else if (c === '\r') {
        text += '\n';
        this.pos += this.src[this.pos + 1] === '\n' ? 2 : 1;
      } else {
        text += c;
        this.pos++;
      }
    }
  }

  private attributeValue(tagStart: number): string {
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") throw this.fail('not well-formed (invalid token)', this.pos);
    this.pos++;
    let value = '';
    for (;;) {
      if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', tagStart);
      const c = this.src[this.pos];
      if (c === quote) {
        this.pos++;
        return value;
      }
      if (c === '<') throw this.fail('not well-formed (invalid token)', this.pos);
      if (c === '&') value += this.reference();
      else {
        // Attribute-value normalization: a literal line break or tab is a space (CR LF is one).
        if (c === '\r' && this.src[this.pos + 1] === '\n') this.pos++;
        value += c === '\t' || c === '\n' || c === '\r' ? ' ' : c;
        this.pos++;
      }
    }
  }

  /** `&name;`, `&#N;` or `&#xH;` at the position, what it stands for. */
  private reference(): string {
    const at = this.pos;
    this.pos++; // '&'
    if (this.src[this.pos] === '#') {
      const hex = this.src[this.pos + 1] === 'x';
      this.pos += hex ? 2 : 1;
      const start = this.pos;
      while ((hex ? /[0-9A-Fa-f]/ : /[0-9]/).test(this.src[this.pos] ?? '')) this.pos++;
      if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', at);
      if (this.pos === start || this.src[this.pos] !== ';') throw this.fail('not well-formed (invalid token)', this.pos);
      const code = Number.parseInt(this.src.slice(start, this.pos), hex ? 16 : 10);
      this.pos++;
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) throw this.fail('reference to invalid character number', at);
      return String.fromCodePoint(code);
    }
    if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', at);
    const name = this.name();
    if (this.pos >= this.src.length) throw new EndOfInput('unclosed token', at);
    if (this.src[this.pos] !== ';') throw this.fail('not well-formed (invalid token)', this.pos);
    this.pos++;
    const known = PREDEFINED_ENTITIES[name];
    if (known === undefined) throw this.fail('undefined entity', at);
    return known;
  }

  private name(): string {
    const start = this.pos;
    const first = this.codePointAt(this.pos);
    if (first === undefined) throw new EndOfInput('unclosed token', start);
    if (!NAME_START.test(first)) throw this.fail('not well-formed (invalid token)', this.pos);
    this.pos += first.length;
    for (let c = this.codePointAt(this.pos); c !== undefined && NAME_CHAR.test(c); c = this.codePointAt(this.pos)) this.pos += c.length;
    return this.src.slice(start, this.pos);
  }

  private codePointAt(index: number): string | undefined {
    const code = this.src.codePointAt(index);
    return code === undefined ? undefined : String.fromCodePoint(code);
  }

  private spaces(): void {
    while (SPACE.test(this.src[this.pos] ?? '')) this.pos++;
  }

  /** An error at `index`: lines count from 1, columns from 0, in characters, a CR LF being one break. */
  private fail(reason: string, index: number): XmlSyntaxError {
    const before = this.src.slice(0, index);
    const breaks = before.match(/\r\n|\r|\n/g) ?? [];
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
    return new XmlSyntaxError(reason, breaks.length + 1, [...before.slice(lineStart)].length);
  }
}

/** The input ended inside a construct: expat reports it where the construct (or the input) ends. */
class EndOfInput extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {
    super(reason);
  }
}

const asciiOnly = (text: string): string => text.replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);
const escapeText = (text: string): string => asciiOnly(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
const escapeAttribute = (text: string): string =>
  asciiOnly(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#09;'));

/** `ElementTree.tostring(root)` (encoding us-ascii, no declaration): what the real service stores and answers. */
export function serializeXml(root: XmlElement): string {
  // Prefixes in the order ElementTree meets the namespaces: each element's name, then its attributes'.
  const prefixes = new Map<string, string>();
  const visit = (element: XmlElement) => {
    for (const name of [element.name, ...element.attributes.map((a) => a.name)]) {
      if (!name.uri || prefixes.has(name.uri)) continue;
      const prefix = WELL_KNOWN_PREFIXES[name.uri] ?? `ns${[...prefixes.values()].filter((p) => p !== 'xml').length}`;
      prefixes.set(name.uri, prefix);
    }
    element.children.forEach(visit);
  };
  visit(root);
  const qualified = (name: XmlName) => (name.uri ? `${prefixes.get(name.uri)}:${name.local}` : name.local);
  const declarations = [...prefixes]
    .filter(([, prefix]) => prefix !== 'xml')
    .sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([uri, prefix]) => ` xmlns:${prefix}="${escapeAttribute(uri)}"`)
    .join('');
  const write = (element: XmlElement, isRoot: boolean): string => {
    const tag = qualified(element.name);
    const attributes = element.attributes.map((a) => ` ${qualified(a.name)}="${escapeAttribute(a.value)}"`).join('');
    const open = `<${tag}${isRoot ? declarations : ''}${attributes}`;
    const body = element.text || element.children.length > 0 ? `${open}>${escapeText(element.text)}${element.children.map((c) => write(c, false)).join('')}</${tag}>` : `${open} />`;
    return isRoot ? body : body + escapeText(element.tail);
  };
  return write(root, true);
}

/** How deep the tree goes: 1 for a root without children. */
export function xmlDepth(root: XmlElement): number {
  let deepest = 0;
  const stack: [XmlElement, number][] = [[root, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [element, depth] = item;
    deepest = Math.max(deepest, depth);
    for (const child of element.children) stack.push([child, depth + 1]);
  }
  return deepest;
}
