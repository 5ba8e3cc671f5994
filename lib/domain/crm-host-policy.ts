/**
 * Which CRM addresses a lookup source may reach. A source's password is sent to its host, and
 * the "test connection" button reports what the host answered, so an unchecked host would let
 * an admin key read the cloud's metadata service or probe the private network (SSRF).
 *
 * - `https` only, unless the stage allows `http` (stage `local` does by default);
 * - no credentials written in the URL;
 * - no special-purpose address (loopback, private, link-local and metadata, carrier-grade NAT,
 *   documentation, multicast, reserved, and their IPv6 counterparts), unless it lies in a CIDR
 *   range the stage allows (stage `local` allows loopback by default, for the fake CRMs).
 *
 * The address rule is applied twice: to a host written as an address when a source is saved,
 * and to every address a name resolves to right before connecting (crm-http.ts), so a name
 * that resolves (or later rebinds) to a private address is refused too. Pure functions only.
 */
import { BlockList, isIP } from 'node:net';

export interface CrmHostPolicy {
  /** `http://` hosts allowed (stage `local`, or an explicit per-stage setting). */
  readonly allowHttp: boolean;
  /** CIDR ranges allowed although they are special-purpose (a CRM reached privately). */
  readonly allowedCidrs: readonly string[];
}

/** Why a host or address is refused; each is a message key the admin API explains. */
export type HostRefusal = 'url-credentials' | 'insecure-scheme' | 'address-not-allowed' | 'bad-url';

/** Stage `local`: http and loopback (the fake CRMs on 127.0.0.1); everything else as deployed. */
export const LOCAL_HOST_POLICY: CrmHostPolicy = { allowHttp: true, allowedCidrs: ['127.0.0.0/8', '::1/128'] };
/** Deployed default: https to public addresses only. */
export const DEPLOYED_HOST_POLICY: CrmHostPolicy = { allowHttp: false, allowedCidrs: [] };

// IANA special-purpose registries (RFC 6890 and successors), plus the cloud metadata addresses they contain.
const SPECIAL_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local: EC2/ECS/GCP/Azure metadata (169.254.169.254, 169.254.170.2)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const SPECIAL_V6: readonly [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: wraps any IPv4 address
  ['fc00::', 7], // unique local: AWS's IPv6 metadata address fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const special = new BlockList();
for (const [network, prefix] of SPECIAL_V4) special.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of SPECIAL_V6) special.addSubnet(network, prefix, 'ipv6');

export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
}

/** Parses `10.20.0.0/16` or `fd00::/8`; throws InvalidCidrError for anything else. */
export function parseCidr(cidr: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
  const version = match ? isIP(match[1] as string) : 0;
  const prefix = match ? Number(match[2]) : NaN;
  if (!match || version === 0 || prefix > (version === 4 ? 32 : 128))
    throw new InvalidCidrError(`"${cidr}" is not a CIDR range such as 10.20.0.0/16 or fd00::/8`);
  return { network: match[1] as string, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

const allowedLists = new WeakMap<CrmHostPolicy, BlockList>();

function allowedList(policy: CrmHostPolicy): BlockList {
  let list = allowedLists.get(policy);
  if (!list) {
    list = new BlockList();
    for (const cidr of policy.allowedCidrs) {
      const { network, prefix, family } = parseCidr(cidr);
      list.addSubnet(network, prefix, family);
    }
    allowedLists.set(policy, list);
  }
  return list;
}

/** `::ffff:a.b.c.d` and NAT64 `64:ff9b::a.b.c.d` are judged as the IPv4 address they carry. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = parseInt(hex[1] as string, 16);
  const low = parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True when the policy lets a connection go to this IP address. Anything not an IP address is refused. */
export function addressAllowed(address: string, policy: CrmHostPolicy): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = embeddedIpv4(bare);
  const [ip, family] = v4 ? [v4, 'ipv4' as const] : [bare, isIP(bare) === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  if (isIP(ip) === 0) return false;
  if (!special.check(ip, family)) return true;
  return allowedList(policy).check(ip, family);
}

/**
 * Checks a lookup source's host as written: URL shape, credentials, scheme, and a host written
 * as an IP address (or `localhost`). A DNS name is checked when it is resolved, at each connection.
 */
export function hostRefusal(host: string, policy: CrmHostPolicy): HostRefusal | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return 'bad-url';
  }
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/?#]*@/i.test(host)) return 'url-credentials';
  if (url.protocol === 'http:') {
    if (!policy.allowHttp) return 'insecure-scheme';
  } else if (url.protocol !== 'https:') return 'bad-url';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  // `localhost` never goes to DNS: it is loopback by definition (RFC 6761).
  const literal = hostname === 'localhost' || hostname.endsWith('.localhost') ? '127.0.0.1' : hostname;
  if (isIP(literal) !== 0 && !addressAllowed(literal, policy)) return 'address-not-allowed';
  return undefined;
}
