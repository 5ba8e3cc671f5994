/**
 * Reads a SOAP response into plain objects. Purpose-built rather than a general XML parser:
 * it is on the call path, and fast-xml-parser with its dependencies was a quarter of the
 * voice bundle (65 KB) for what WCF's BasicHttpBinding sends — elements, attributes, text,
 * CDATA, comments, the XML declaration and the predefined and numeric entities.
 * A DOCTYPE is refused (SOAP forbids one; nothing is ever expanded).
 *
 * The shape: namespace prefixes removed and xmlns declarations dropped; an element with
 * neither attributes nor child elements is its trimmed text; any other is an object of child
 * elements by name (an array when repeated), `@name` attributes and `#text` when it has text.
 */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

interface OpenElement {
  readonly qname: string;
  readonly name: string;
  readonly attributes: [string, string][];
  // Null prototype: an element called __proto__ is just a name here.
  readonly children: Record<string, unknown>;
  hasChildren: boolean;
  text: string;
}

const open = (qname: string, attributes: [string, string][]): OpenElement => ({
  qname,
  name: localName(qname),
  attributes,
  children: Object.create(null) as Record<string, unknown>,
  hasChildren: false,
  text: '',
});

/** The document's root element, as `{ [rootName]: value }`. Throws XmlSyntaxError when it is not XML. */
export function readXml(xml: string): Record<string, unknown> {
  const document = open('', []);
  const stack: OpenElement[] = [document];
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < xml.length) {
    const current = stack[stack.length - 1] as OpenElement;
    const lt = xml.indexOf('<', at);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > at) current.text += decodeEntities(xml.slice(at, textEnd));
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      at = skipPast(xml, '-->', lt + 4);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = skipPast(xml, ']]>', lt + 9);
      current.text += xml.slice(lt + 9, end - 3);
      at = end;
    } else if (xml.startsWith('<?', lt)) {
      at = skipPast(xml, '?>', lt + 2);
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlSyntaxError('a DOCTYPE is not accepted');
    } else {
      const gt = tagEnd(xml, lt);
      if (xml[lt + 1] === '/') {
        const qname = xml.slice(lt + 2, gt).trim();
        if (stack.length < 2 || current.qname !== qname) throw new XmlSyntaxError(`unexpected </${qname}>`);
        stack.pop();
        attach(stack[stack.length - 1] as OpenElement, current);
      } else {
        const selfClosing = xml[gt - 1] === '/';
        const element = parseStartTag(xml.slice(lt + 1, selfClosing ? gt - 1 : gt));
        if (stack.length === 1 && document.hasChildren) throw new XmlSyntaxError('more than one root element');
        if (selfClosing) attach(current, element);
        else stack.push(element);
      }
      at = gt + 1;
    }
  }
  if (stack.length > 1) throw new XmlSyntaxError(`<${(stack[stack.length - 1] as OpenElement).qname}> is not closed`);
  if (!document.hasChildren || document.text.trim() !== '') throw new XmlSyntaxError('not an XML document');
  return document.children;
}

function skipPast(xml: string, terminator: string, from: number): number {
  const end = xml.indexOf(terminator, from);
  if (end < 0) throw new XmlSyntaxError(`missing ${terminator}`);
  return end + terminator.length;
}

/** The `>` that ends the tag starting at `lt` (a `>` inside a quoted attribute value does not). */
function tagEnd(xml: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') break;
  }
  throw new XmlSyntaxError('unterminated tag');
}

const NAME = /^[^\s/>"'=<]+/;
const ATTRIBUTE = /\s*([^\s/>"'=<]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

function parseStartTag(tag: string): OpenElement {
  const qname = NAME.exec(tag)?.[0];
  if (!qname) throw new XmlSyntaxError('an element without a name');
  const attributes: [string, string][] = [];
  let end = qname.length;
  ATTRIBUTE.lastIndex = end;
  let match: RegExpExecArray | null;
  while ((match = ATTRIBUTE.exec(tag)) !== null) {
    end = ATTRIBUTE.lastIndex;
    const name = match[1] as string;
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) attributes.push([localName(name), decodeEntities(match[2] ?? match[3] ?? '')]);
  }
  if (tag.slice(end).trim() !== '') throw new XmlSyntaxError(`malformed attributes in <${qname}>`);
  return open(qname, attributes);
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function attach(parent: OpenElement, element: OpenElement): void {
  const text = element.text.trim();
  let value: unknown = text;
  if (element.hasChildren || element.attributes.length > 0) {
    const node = Object.create(null) as Record<string, unknown>;
    for (const [name, attribute] of element.attributes) node[`@${name}`] = attribute;
    Object.assign(node, element.children);
    if (text !== '') node['#text'] = text;
    value = node;
  }
  const existing = parent.children[element.name];
  if (existing === undefined) parent.children[element.name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.children[element.name] = [existing, value];
  parent.hasChildren = true;
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}
