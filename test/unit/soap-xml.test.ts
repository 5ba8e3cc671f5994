/**
 * The Payamgostar adapter's SOAP reader: the shapes the adapter reads, checked against
 * fast-xml-parser (the general parser it replaced on the call path) on the same documents.
 */
import { XMLParser } from 'fast-xml-parser';
import { readXml, XmlSyntaxError } from '../../lib/crm/payamgostar/soap-xml';

const reference = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});
// fast-xml-parser keeps a plain `xmlns` attribute as `@xmlns`; the reader drops every declaration.
const withoutXmlns = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutXmlns)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([k]) => k !== '@xmlns')
            .map(([k, v]) => [k, withoutXmlns(v)]),
        )
      : value;
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const FIND_IDENTITY = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <FindIdentityByPhoneNumberResponse xmlns="http://tempuri.org/">
      <FindIdentityByPhoneNumberResult xmlns:a="http://schemas.datacontract.org/2004/07/X" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <a:Success>true</a:Success>
        <a:ErrorMessage i:nil="true"/>
        <a:IdentityInfo>
          <a:CrmId>6f1c2a3b-1111</a:CrmId>
          <a:NickName>سارا &amp; رضا</a:NickName>
          <a:Note><![CDATA[<b>not markup</b> & raw]]></a:Note>
          <!-- a comment, ignored -->
          <a:Empty></a:Empty>
          <a:Phones><a:Phone>0912</a:Phone><a:Phone>0935</a:Phone></a:Phones>
        </a:IdentityInfo>
      </FindIdentityByPhoneNumberResult>
    </FindIdentityByPhoneNumberResponse>
  </s:Body>
</s:Envelope>`;

const FAULT = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="urn:x">a:InternalServiceFault</faultcode><faultstring xml:lang="fa-IR">نام کاربری &lt;نادرست&gt;</faultstring></s:Fault></s:Body></s:Envelope>`;

describe('reading a SOAP response', () => {
  it('gives the shapes fast-xml-parser gave: prefixes removed, nil attributes, repeated elements as lists, entities and CDATA decoded', () => {
    for (const doc of [FIND_IDENTITY, FAULT]) expect(plain(readXml(doc))).toEqual(withoutXmlns(reference.parse(doc)));
    const identity = (readXml(FIND_IDENTITY) as any).Envelope.Body.FindIdentityByPhoneNumberResponse.FindIdentityByPhoneNumberResult;
    expect(identity.ErrorMessage).toEqual({ '@nil': 'true' });
    expect(identity.IdentityInfo.NickName).toBe('سارا & رضا');
    expect(identity.IdentityInfo.Note).toBe('<b>not markup</b> & raw');
    expect(identity.IdentityInfo.Empty).toBe('');
    expect(identity.IdentityInfo.Phones.Phone).toEqual(['0912', '0935']);
  });

  it('decodes numeric character references (which fast-xml-parser left encoded with these options)', () => {
    expect(readXml('<n>&#x633;&#1575;&#x631;&#1575; &#x6F1;&#1778;</n>')).toEqual({ n: 'سارا ۱۲' });
  });

  it('keeps text beside attributes as #text, and a > inside a quoted attribute value', () => {
    expect(plain(readXml(`<a:R x:k='1 > 0' xmlns:a="urn:a"> text </a:R>`))).toEqual({ R: { '@k': '1 > 0', '#text': 'text' } });
  });

  it('treats an element named __proto__ as a name, not as a prototype', () => {
    const doc = readXml('<R><__proto__><polluted>yes</polluted></__proto__></R>') as any;
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.keys(doc.R)).toEqual(['__proto__']);
  });

  it.each([
    ['an HTML error page', '<html><body>Service Unavailable<br></body></html>'],
    ['plain text', 'Internal Server Error'],
    ['an empty body', ''],
    ['an unclosed element', '<a><b></b>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['two roots', '<a/><b/>'],
    ['a DOCTYPE (no entity expansion, ever)', '<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>'],
    ['malformed attributes', '<a b=unquoted></a>'],
    ['an unterminated tag', '<a'],
  ])('refuses %s', (_, body) => {
    expect(() => readXml(body)).toThrow(XmlSyntaxError);
  });
});
