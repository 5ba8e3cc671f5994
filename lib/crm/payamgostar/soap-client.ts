/**
 * SOAP 1.1 for Payamgostar's WCF services (BasicHttpBinding, document/literal wrapped),
 * hand-built so the voice bundle carries no generated client:
 *
 *   POST {host}/services/api/I<Service>.svc
 *   Content-Type: text/xml; charset=utf-8
 *   SOAPAction: "http://tempuri.org/I<Service>/<Operation>"
 *   <s:Envelope><s:Body><Operation xmlns="http://tempuri.org/">…parameters in order…</Operation></s:Body></s:Envelope>
 *
 * Responses are read by readXml (soap-xml.ts) with namespace prefixes removed, so whatever
 * prefixes the server picks do not matter. A Fault (HTTP 500 or not) becomes SoapFaultError.
 */
import { CrmBadResponseError, CrmHttpError, SoapFaultError } from '../crm-errors';
import { joinUrl, type CrmTransport } from '../crm-http';
import { readXml } from './soap-xml';

export const TEMPURI = 'http://tempuri.org/';
export const DATA_CONTRACT_NS = 'http://schemas.datacontract.org/2004/07/Septa.PayamGostar.ServiceLayer.Contract.PGContracts.DataContracts';
const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** One parameter of an operation: text, nil, or a data-contract object (members in wire order). */
export type SoapValue = string | number | boolean | null | { readonly members: ReadonlyArray<readonly [string, SoapValue]> };

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than sent broken.
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: SoapValue, prefix: string): string {
  const tag = `${prefix}${name}`;
  if (value === null) return `<${tag} i:nil="true"/>`;
  if (typeof value === 'object') return `<${tag}>${value.members.map(([n, v]) => element(n, v, 'a:')).join('')}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function buildEnvelope(operation: string, params: ReadonlyArray<readonly [string, SoapValue]>): string {
  const body = params.map(([name, value]) => element(name, value, '')).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<s:Envelope xmlns:s="${SOAP_ENV}"><s:Body>` +
    `<${operation} xmlns="${TEMPURI}" xmlns:a="${DATA_CONTRACT_NS}" xmlns:i="${XSI}">${body}</${operation}>` +
    `</s:Body></s:Envelope>`
  );
}

/** A parsed XML element: text, or an object of children (and `@attributes`). */
export type XmlNode = string | { readonly [key: string]: unknown } | undefined;

export interface SoapCall {
  readonly service: string;
  readonly operation: string;
  readonly params: ReadonlyArray<readonly [string, SoapValue]>;
}

export class SoapClient {
  constructor(
    private readonly host: string,
    private readonly fallbackTimeoutMs: number,
    private readonly transport: CrmTransport,
  ) {}

  /** Returns the `<OperationResult>` element of the response. */
  async call({ service, operation, params }: SoapCall): Promise<Record<string, unknown>> {
    const response = await this.transport.post({
      url: joinUrl(this.host, `services/api/${service}.svc`),
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${TEMPURI}${service}/${operation}"` },
      body: buildEnvelope(operation, params),
      fallbackTimeoutMs: this.fallbackTimeoutMs,
    });
    let doc: Record<string, unknown>;
    try {
      doc = readXml(response.body);
    } catch {
      if (response.status < 200 || response.status >= 300) throw new CrmHttpError(response.status);
      throw new CrmBadResponseError(`${operation}: not XML`);
    }
    const body = child(child(doc, 'Envelope'), 'Body');
    const fault = child(body, 'Fault');
    if (fault !== undefined) throw new SoapFaultError(text(child(fault, 'faultcode')) ?? '', text(child(fault, 'faultstring')) ?? '');
    if (response.status < 200 || response.status >= 300) throw new CrmHttpError(response.status);
    const result = child(child(body, `${operation}Response`), `${operation}Result`);
    if (typeof result !== 'object' || result === null) throw new CrmBadResponseError(`${operation}: no ${operation}Result`);
    return result as Record<string, unknown>;
  }
}

export function child(node: unknown, name: string): XmlNode {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? (value[0] as XmlNode) : (value as XmlNode);
}

/** Every child element with this name (a list member may appear once or many times). */
export function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

/** The elements of a list, whatever the item element is called (InvoiceInfo, PersonInfo…). */
export function listItems(node: XmlNode): Record<string, unknown>[] {
  if (typeof node !== 'object' || node === null || isNil(node)) return [];
  const items: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@')) continue;
    for (const item of Array.isArray(value) ? value : [value])
      if (typeof item === 'object' && item !== null && !isNil(item)) items.push(item as Record<string, unknown>);
  }
  return items;
}

export function isNil(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as Record<string, unknown>)['@nil'] === 'true';
}

/** Text content; undefined for a missing or nil element. */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null || isNil(node)) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'object') {
    const inner = (node as Record<string, unknown>)['#text'];
    if (typeof inner === 'string') return inner;
    // An empty element with attributes only (e.g. xmlns) has no text.
    return Object.keys(node).every((k) => k.startsWith('@')) ? '' : undefined;
  }
  return String(node);
}
