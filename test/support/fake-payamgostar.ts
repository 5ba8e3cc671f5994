/**
 * A local Payamgostar: answers the SOAP 1.1 operations the adapter uses with the shapes
 * documented in shared/reference/crm-contracts.md (part B), from in-memory data, and
 * records every request (path, SOAPAction, parameters in order) for assertions.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { startTestHttpServer, type TestHttpServer } from './test-http-server';

const DC = 'http://schemas.datacontract.org/2004/07/Septa.PayamGostar.ServiceLayer.Contract.PGContracts.DataContracts';

export type Param = string | null | Param[] | { [name: string]: Param };
export interface SoapRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly operation: string;
  /** Parameters in the order they were sent; a nil element is null, a complex one a list of [name, value]. */
  readonly params: Array<[string, Param]>;
}

export interface PgIdentity {
  crmId: string;
  phones: string[];
  customerNumber?: string;
  nickName?: string;
  /** Written as-is into <Balance>; undefined = nil. */
  balance?: string;
  mobile?: string;
}
export interface PgItem {
  typeKey: string;
  number: string;
  identityId: string;
  finalValue: string;
  extended?: Record<string, string>;
}
export interface PgType {
  userKey: string;
  name: string;
  type: string;
}

export interface FakePayamgostar extends TestHttpServer {
  readonly requests: SoapRequest[];
  readonly data: { identities: PgIdentity[]; items: PgItem[]; types: PgType[]; accounts: Array<{ userKey: string | null; name: string }>; paymentLink: string };
  /** Per operation: answer with a fault, Success=false, an HTTP status, or after a delay. */
  readonly behaviour: Map<string, { fault?: string; unsuccessful?: string; status?: number; delayMs?: number; raw?: string }>;
}

const ordered = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
});

function toParams(nodes: Array<Record<string, unknown>>): Array<[string, Param]> {
  const out: Array<[string, Param]> = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text') continue;
    const attrs = node[':@'] as Record<string, string> | undefined;
    const kids = node[name] as Array<Record<string, unknown>>;
    if (attrs?.['@nil'] === 'true') out.push([name, null]);
    else if (kids.length === 0) out.push([name, '']);
    else if (kids.length === 1 && '#text' in kids[0]!) out.push([name, String(kids[0]!['#text'])]);
    else out.push([name, toParams(kids) as unknown as Param]);
  }
  return out;
}

export function parseSoapRequest(raw: string): { operation: string; params: Array<[string, Param]> } {
  const doc = ordered.parse(raw) as Array<Record<string, unknown>>;
  const envelope = doc.find((n) => 'Envelope' in n)!.Envelope as Array<Record<string, unknown>>;
  const body = envelope.find((n) => 'Body' in n)!.Body as Array<Record<string, unknown>>;
  const opNode = body.find((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text'))!;
  const operation = Object.keys(opNode).find((k) => k !== ':@')!;
  return { operation, params: toParams(opNode[operation] as Array<Record<string, unknown>>) };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name: string, value: string | undefined) => (value === undefined ? `<a:${name} i:nil="true"/>` : `<a:${name}>${esc(value)}</a:${name}>`);

function envelope(operation: string, inner: string): string {
  return (
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
    `<${operation}Response xmlns="http://tempuri.org/"><${operation}Result xmlns:a="${DC}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</${operation}Result></${operation}Response>` +
    `</s:Body></s:Envelope>`
  );
}

const ok = (message?: string) => `${el('Message', message)}<a:Success>true</a:Success>`;

function identityXml(identity: PgIdentity): string {
  const phones = [...identity.phones.map((p) => ({ number: p, type: 'Work' })), ...(identity.mobile ? [{ number: identity.mobile, type: 'موبایل' }] : [])];
  return (
    `<a:CrmId>${identity.crmId}</a:CrmId>` +
    `<a:ExtendedProperties/>` +
    `${el('Balance', identity.balance)}${el('CustomerNumber', identity.customerNumber)}${el('NickName', identity.nickName)}` +
    `<a:PhoneContacts>${phones.map((p) => `<a:IdentityContactPhone><a:Id>00000000-0000-0000-0000-000000000001</a:Id><a:IsDefault>false</a:IsDefault><a:IsDeleted>false</a:IsDeleted><a:PhoneNumber>${p.number}</a:PhoneNumber><a:PhoneType>${p.type}</a:PhoneType></a:IdentityContactPhone>`).join('')}</a:PhoneContacts>`
  );
}

/**
 * `IdentityId=="g" & Number=="v"` → { IdentityId: g, Number: v }; anything else (another
 * joiner such as `&&` included) → undefined, answered as a query syntax error. ` & ` is the
 * joiner of the original client (crm-contracts.md B.5).
 */
function parseQuery(query: string): Record<string, string> | undefined {
  const clauses = query.split(' & ');
  const out: Record<string, string> = {};
  for (const clause of clauses) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=="([^"]*)"$/.exec(clause);
    if (!m) return undefined;
    out[m[1]!] = m[2]!;
  }
  return out;
}

export async function startFakePayamgostar(): Promise<FakePayamgostar> {
  const requests: SoapRequest[] = [];
  const behaviour: FakePayamgostar['behaviour'] = new Map();
  const data: FakePayamgostar['data'] = { identities: [], items: [], types: [], accounts: [], paymentLink: 'https://pay.example.com/l/abc123' };
  const param = (req: SoapRequest, name: string) => req.params.find(([n]) => n === name)?.[1];

  function answer(req: SoapRequest): string {
    const { operation } = req;
    switch (operation) {
      case 'FindIdentityByPhoneNumber': {
        const found = data.identities.find((i) => i.phones.includes(String(param(req, 'phoneNumber'))));
        return envelope(
          operation,
          `<a:IdentityInfo${found ? ' i:type="a:PersonInfo"' : ' i:nil="true"'}>${found ? identityXml(found) : ''}</a:IdentityInfo><a:IdentityInfoList i:nil="true"/>${ok()}`,
        );
      }
      case 'FindIdentityById': {
        const found = data.identities.find((i) => i.crmId === param(req, 'identityId'));
        return envelope(
          operation,
          `${ok()}${found ? `<a:IdentityInfo i:type="a:PersonInfo">${identityXml(found)}</a:IdentityInfo>` : '<a:IdentityInfo i:nil="true"/>'}`,
        );
      }
      case 'SearchIdentity': {
        const q = parseQuery(String(param(req, 'query')));
        const found = data.identities.filter((i) => q && i.customerNumber === q.CustomerNumber);
        return envelope(
          operation,
          `${ok()}<a:IdentityInfo i:nil="true"/><a:IdentityInfoList>${found.map((i) => `<a:IdentityInfo i:type="a:PersonInfo">${identityXml(i)}</a:IdentityInfo>`).join('')}</a:IdentityInfoList>`,
        );
      }
      case 'GetCrmObjectTypeList': {
        const index = param(req, 'crmObjectTypeIndex');
        const types = data.types.filter((t) => index === null || t.type === index);
        return envelope(
          operation,
          `${ok()}<a:CrmObjectTypeList>${types.map((t) => `<a:CrmObjectTypeBasicInfo><a:CrmObjectType>${t.type}</a:CrmObjectType><a:IsActive>true</a:IsActive><a:Name>${esc(t.name)}</a:Name><a:UserKey>${t.userKey}</a:UserKey></a:CrmObjectTypeBasicInfo>`).join('')}</a:CrmObjectTypeList>`,
        );
      }
      case 'GetCrmObjectTypeInfo': {
        const t = data.types.find((x) => x.userKey === param(req, 'typeKeyOrId'));
        return envelope(
          operation,
          t
            ? `<a:CrmObjectType>${t.type}</a:CrmObjectType><a:Name>${esc(t.name)}</a:Name><a:UserKey>${t.userKey}</a:UserKey>${ok()}<a:PropertyGroups/>`
            : `<a:Message>not found</a:Message><a:Success>false</a:Success>`,
        );
      }
      case 'SearchInvoice':
      case 'SearchQuote':
      case 'SearchReturnSaleInvoice':
      case 'SearchReceipt':
      case 'SearchPayment': {
        const isPayment = operation === 'SearchReceipt' || operation === 'SearchPayment';
        const typeKey = String(param(req, isPayment ? 'crmObjectTypeCode' : 'typeKey'));
        const q = parseQuery(String(param(req, 'query')));
        if (!q) return envelope(operation, `<a:Message>query syntax error</a:Message><a:Success>false</a:Success>`);
        const hits = data.items.filter(
          (item) =>
            item.typeKey === typeKey &&
            (q.IdentityId === undefined || q.IdentityId.toLowerCase() === item.identityId.toLowerCase()) &&
            Object.entries(q).every(([k, v]) => k === 'IdentityId' || (k === 'Number' ? item.number === v : item.extended?.[k] === v)),
        );
        const tag = isPayment ? 'PaymentInfo' : 'InvoiceInfo';
        const list = hits
          .map(
            (h) =>
              `<a:${tag}><a:CrmId>${h.identityId}</a:CrmId><a:ExtendedProperties>${Object.entries(h.extended ?? {})
                .map(
                  ([k, v]) =>
                    `<a:BaseCrmObjectExtendedPropertyInfo><a:Name>${k}</a:Name><a:UserKey>${k}</a:UserKey><a:Value>${esc(v)}</a:Value></a:BaseCrmObjectExtendedPropertyInfo>`,
                )
                .join(
                  '',
                )}</a:ExtendedProperties><a:IdentityId>${h.identityId}</a:IdentityId><a:FinalValue>${h.finalValue}</a:FinalValue><a:Number>${h.number}</a:Number></a:${tag}>`,
          )
          .join('');
        return envelope(operation, `${ok()}<a:${tag}List>${list}</a:${tag}List>`);
      }
      case 'GetMoneyAccountList': {
        const page = Number(param(req, 'pageIndex'));
        const size = Number(param(req, 'pageSize'));
        const slice = data.accounts.slice(page * size, page * size + size);
        return envelope(
          operation,
          `${ok()}<a:Items>${slice.map((a) => `<a:MoneyAccountSummaryInfo><a:Id>1</a:Id><a:Name>${esc(a.name)}</a:Name>${el('UserKey', a.userKey ?? undefined)}</a:MoneyAccountSummaryInfo>`).join('')}</a:Items><a:TotalCount>${data.accounts.length}</a:TotalCount>`,
        );
      }
      case 'CreatePaymentLink':
        return envelope(operation, `${ok()}<a:PaymentLink>${esc(data.paymentLink)}</a:PaymentLink>`);
      default:
        return fault('a:ActionNotSupported', `unknown operation ${operation}`);
    }
  }

  const fault = (code: string, message: string) =>
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">${code}</faultcode><faultstring xml:lang="en-US">${esc(message)}</faultstring></s:Fault></s:Body></s:Envelope>`;

  const server = await startTestHttpServer(({ incoming, body: raw, res, answer: reply }) => {
    let parsed: { operation: string; params: Array<[string, Param]> };
    try {
      parsed = parseSoapRequest(raw);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const req: SoapRequest = { path: incoming.url ?? '', headers: incoming.headers, raw, ...parsed };
    requests.push(req);
    const how = behaviour.get(req.operation) ?? behaviour.get('*') ?? {};
    reply((out) => {
      if (how.status) return out.writeHead(how.status, { 'Content-Type': 'text/html' }).end('<html>Service Unavailable</html>');
      if (how.fault) return out.writeHead(500, { 'Content-Type': 'text/xml; charset=utf-8' }).end(fault('s:Client', how.fault));
      if (how.unsuccessful !== undefined)
        return out
          .writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' })
          .end(envelope(req.operation, `<a:Message>${esc(how.unsuccessful)}</a:Message><a:Success>false</a:Success>`));
      if (how.raw !== undefined) return out.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(envelope(req.operation, how.raw));
      out.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(answer(req));
    }, how.delayMs);
  });
  return Object.assign(server, { requests, data, behaviour });
}
