/**
 * The one HTTP path every remote CRM adapter uses. Each transport keeps its connections alive
 * in its own agents, so a warm Lambda container reuses its TLS connection to the CRM across
 * invocations. Errors become named CrmErrors.
 *
 * It is also where the host policy (crm-host-policy.ts) is enforced on the wire: the host name
 * is resolved here, every address it resolves to is checked, and the connection is opened to
 * exactly the checked address (the TLS name is still the host's), so DNS rebinding cannot slip
 * a private address in between the check and the connection. Redirects are never followed: a
 * 3xx is an answer like any other non-2xx.
 */
import { lookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type ClientRequestArgs, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { currentDeadline } from './crm-deadline';
import { CrmError, CrmNetworkError, CrmTimeoutError } from './crm-errors';
import { addressAllowed, hostRefusal, type CrmHostPolicy, type HostRefusal } from '../domain/crm-host-policy';

export interface CrmHttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface CrmHttpRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Used when no deadline scope is active (adapters called directly, e.g. by tools). */
  readonly fallbackTimeoutMs: number;
}

/** How a CRM adapter reaches its CRM (adapters get one; the composition builds it from the stage's policy). */
export interface CrmTransport {
  post(request: CrmHttpRequest): Promise<CrmHttpResponse>;
}

/** The network underneath: DNS and sockets. Tests replace it to see every attempt; production uses Node's. */
export interface CrmNetwork {
  /** Every address the name resolves to. */
  resolve(hostname: string): Promise<readonly string[]>;
  /** Opens a connection to an address the policy has allowed. */
  connect(target: { readonly address: string; readonly port: number; readonly tls: boolean; readonly servername: string | undefined }): Duplex;
}

export const nodeNetwork: CrmNetwork = {
  resolve: async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address),
  connect: ({ address, port, tls, servername }) =>
    tls ? tlsConnect({ host: address, port, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'] }) : netConnect({ host: address, port }),
};

/** The host or the address it resolved to is not one this stage may reach; nothing was sent. */
export class CrmAddressRefusedError extends CrmError {
  override readonly name = 'CrmAddressRefusedError';
  constructor(
    readonly refusal: HostRefusal,
    detail: string,
  ) {
    super('address-refused', `CRM host refused before connecting (${refusal}): ${detail}`);
  }
}

/**
 * An agent whose connections go through the policy: resolve, check every address, connect to
 * the first one. Returning nothing and answering through the callback is the documented way
 * for `createConnection` to be asynchronous.
 */
function guardedAgent<A extends typeof HttpAgent | typeof HttpsAgent>(Base: A, tls: boolean, policy: CrmHostPolicy, network: CrmNetwork): InstanceType<A> {
  class Guarded extends (Base as typeof HttpAgent) {
    override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const hostname = String(options.hostname ?? options.host ?? '').replace(/^\[|\]$/g, '');
      const port = Number(options.port) || (tls ? 443 : 80);
      void (async () => {
        const addresses = isIP(hostname) !== 0 ? [hostname] : await network.resolve(hostname);
        if (addresses.length === 0) throw new CrmNetworkError(new Error(`${hostname} has no address`));
        // One refused address refuses the name: a name that can resolve to the metadata service is not a CRM.
        const refused = addresses.find((address) => !addressAllowed(address, policy));
        if (refused !== undefined) throw new CrmAddressRefusedError('address-not-allowed', `${hostname} resolves to ${refused}`);
        return network.connect({ address: addresses[0] as string, port, tls, servername: tls && isIP(hostname) === 0 ? hostname : undefined });
      })().then(
        (socket) => callback?.(null, socket),
        (error: unknown) => callback?.(error as Error, undefined as unknown as Duplex),
      );
      return undefined;
    }
  }
  return new Guarded({ keepAlive: true }) as InstanceType<A>;
}

/** A transport enforcing `policy`; one per container, so connections are reused. */
export function crmTransport(policy: CrmHostPolicy, network: CrmNetwork = nodeNetwork): CrmTransport {
  const agents = { http: guardedAgent(HttpAgent, false, policy, network), https: guardedAgent(HttpsAgent, true, policy, network) };
  return {
    async post(request) {
      const signal = currentDeadline() ?? AbortSignal.timeout(request.fallbackTimeoutMs);
      if (signal.aborted) throw new CrmTimeoutError(request.fallbackTimeoutMs);
      // Checked on every request, not only when a source is saved: a source stored before the
      // policy (or under another stage's) is refused here, before anything is sent.
      const refusal = hostRefusal(request.url, policy);
      if (refusal) throw new CrmAddressRefusedError(refusal, new URL(request.url).hostname || request.url);
      try {
        return await send(request, signal, agents);
      } catch (error) {
        if (error instanceof CrmAddressRefusedError) throw error;
        if (signal.aborted) throw new CrmTimeoutError(request.fallbackTimeoutMs);
        throw new CrmNetworkError(error);
      }
    },
  };
}

function send(request: CrmHttpRequest, signal: AbortSignal, agents: { http: HttpAgent; https: HttpsAgent }): Promise<CrmHttpResponse> {
  const url = new URL(request.url);
  const tls = url.protocol === 'https:';
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  return new Promise<CrmHttpResponse>((resolve, reject) => {
    const options = {
      method: 'POST',
      agent: tls ? agents.https : agents.http,
      headers: { ...request.headers, ...(body ? { 'Content-Length': String(body.length) } : { 'Content-Length': '0' }) },
      signal,
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    };
    const outgoing = tls ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** `https://crm.example.com/` and `https://crm.example.com` name the same base. */
export function joinUrl(host: string, path: string): string {
  return `${host.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
