/**
 * Which addresses an outbound request may reach (no I/O: the guarded client resolves names and
 * asks here). Refused unless the operator allows them with PARLEY_OUTBOUND_ALLOW: private,
 * loopback, link-local, CGNAT, multicast, unspecified, reserved and documentation ranges, and every
 * IPv6 form that embeds one of those IPv4 addresses (IPv4-mapped, NAT64, 6to4). IPv6 outside global
 * unicast (2000::/3) is refused altogether. URLs go through the WHATWG parser, which turns the odd
 * IPv4 spellings (0x7f000001, 2130706433, 0177.0.0.1, 127.1) into dotted quads before any check.
 */
import { BlockList, isIP } from 'node:net';

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface AddressPolicy {
  /** Host names (lower case, no trailing dot) that may resolve to any address. */
  readonly hosts: ReadonlySet<string>;
  /** Addresses and CIDRs that may be reached although refused by default. */
  readonly addresses: BlockList;
  /** The allow list as given, for logs. */
  readonly entries: readonly string[];
}

type Family = 'ipv4' | 'ipv6';
interface Range {
  name: string;
  list: BlockList;
}

const ranges = (family: Family, spec: [string, string][]): Range[] =>
  spec.map(([cidr, name]) => {
    const [net, bits] = cidr.split('/') as [string, string];
    const list = new BlockList();
    list.addSubnet(net, Number(bits), family);
    return { name, list };
  });

/** IANA IPv4 special-purpose ranges that are not globally reachable. */
const V4_REFUSED = ranges('ipv4', [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved or broadcast'],
]);

/** Named IPv6 ranges (for the reason); anything outside 2000::/3 is refused even when unnamed. */
const V6_REFUSED = ranges('ipv6', [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments (Teredo, ORCHID…)'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
]);
const V6_GLOBAL_UNICAST = ranges('ipv6', [['2000::/3', 'global unicast']])[0] as Range;

/** An IPv6 address as 16 bytes (zone index dropped), or null when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | null {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(a) !== 6) return null;
  let s = a;
  // A trailing dotted quad (::ffff:127.0.0.1) becomes two hex groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [b0, b1, b2, b3] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return bytes;
}

const quad = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const zero = (b: Uint8Array, from: number, to: number) => b.slice(from, to).every((x) => x === 0);

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one the network would reach:
 * IPv4-mapped (::ffff:a.b.c.d), the well-known NAT64 prefix (64:ff9b::/96), 6to4 (2002:aabb:ccdd::/48).
 */
export function embeddedIPv4(address: string): { ipv4: string; form: string } | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return { ipv4: quad(b, 12), form: 'IPv4-mapped' };
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12)) return { ipv4: quad(b, 12), form: 'NAT64' };
  if (b[0] === 0x20 && b[1] === 0x02) return { ipv4: quad(b, 2), form: '6to4' };
  return null;
}

/**
 * Why an IP address is refused by default (its special-purpose range), or null when it is a
 * public, globally reachable address. Not an IP address at all → refused.
 */
export function refusedRange(address: string): string | null {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(a);
  if (family === 4) return V4_REFUSED.find((r) => r.list.check(a, 'ipv4'))?.name ?? null;
  if (family !== 6) return 'not an IP address';
  const embedded = embeddedIPv4(a);
  if (embedded) {
    const inner = refusedRange(embedded.ipv4);
    return inner ? `${inner} (${embedded.form})` : null;
  }
  const named = V6_REFUSED.find((r) => r.list.check(a, 'ipv6'));
  if (named) return named.name;
  return V6_GLOBAL_UNICAST.list.check(a, 'ipv6') ? null : 'reserved (outside IPv6 global unicast)';
}

/** A host name as the WHATWG URL parser spells it: lower case, punycode, no trailing dot, IPv6 without brackets. */
export function normalHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
}

/**
 * The allow list (PARLEY_OUTBOUND_ALLOW): host names, IP addresses and CIDRs, comma separated.
 * Throws on an entry that is none of those (config.ts turns it into a start-up error).
 */
export function parseAllowList(entries: readonly string[]): AddressPolicy {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  const kept: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    kept.push(entry);
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const net = entry.slice(0, slash).replace(/^\[|\]$/g, '');
      const bits = entry.slice(slash + 1);
      const family = isIP(net);
      const max = family === 4 ? 32 : 128;
      if (!family || !/^\d{1,3}$/.test(bits) || Number(bits) > max) throw new Error(`not a CIDR: ${entry}`);
      addresses.addSubnet(net, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const bare = entry.replace(/^\[|\]$/g, '');
    if (isIP(bare)) {
      addresses.addAddress(bare, isIP(bare) === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    let host: string;
    try {
      const u = new URL(`http://${entry}/`);
      if (u.port || u.username || u.pathname !== '/' || u.search) throw new Error('not a host');
      host = normalHost(u.hostname);
    } catch {
      throw new Error(`not a host name, IP address or CIDR: ${entry}`);
    }
    const family = isIP(host);
    if (family) addresses.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
    else hosts.add(host);
  }
  return { hosts, addresses, entries: kept };
}

export const REFUSE_ALL_PRIVATE: AddressPolicy = parseAllowList([]);

const inAllowList = (policy: AddressPolicy, address: string): boolean => {
  const family = isIP(address);
  if (!family) return false;
  if (policy.addresses.check(address, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const embedded = embeddedIPv4(address);
  return !!embedded && policy.addresses.check(embedded.ipv4, 'ipv4');
};

/** May a request to `hostname` connect to `address` (one it resolved to, or the literal)? */
export function checkAddress(policy: AddressPolicy, hostname: string, address: string): Verdict {
  const a = normalHost(address).replace(/%.*$/, '');
  const range = refusedRange(a);
  if (!range) return { ok: true };
  if (policy.hosts.has(normalHost(hostname)) || inAllowList(policy, a)) return { ok: true };
  return { ok: false, reason: `${a} is ${range}` };
}

/** Every address a name resolved to must be allowed (a name must not mix a public address with a private one). */
export function checkResolved(policy: AddressPolicy, hostname: string, addresses: readonly string[]): Verdict {
  if (addresses.length === 0) return { ok: false, reason: `${hostname} resolved to no address` };
  for (const a of addresses) {
    const v = checkAddress(policy, hostname, a);
    if (!v.ok) return v;
  }
  return { ok: true };
}

export interface OutboundTarget {
  url: URL;
  /** The host to resolve or connect to: a name, or an IP literal (IPv6 without brackets). */
  host: string;
  /** The host when it is an IP literal (checked without resolving), else null. */
  ip: string | null;
}

/** Parse a URL for an outbound request: http(s) only; an IP literal (in any spelling) is checked at once. */
export function parseOutboundUrl(policy: AddressPolicy, raw: string): { ok: true; target: OutboundTarget } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `${url.protocol} URLs are not allowed (http or https only)` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, reason: 'the URL has no host' };
  const ip = isIP(host) ? host : null;
  if (ip) {
    const v = checkAddress(policy, host, ip);
    if (!v.ok) return v;
  }
  return { ok: true, target: { url, host, ip } };
}
