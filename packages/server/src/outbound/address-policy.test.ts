import { describe, expect, it } from 'vitest';
import { checkAddress, checkResolved, embeddedIPv4, ipv6Bytes, parseAllowList, parseOutboundUrl, REFUSE_ALL_PRIVATE, refusedRange } from './address-policy.js';

const refusedUrl = (url: string, policy = REFUSE_ALL_PRIVATE) => {
  const r = parseOutboundUrl(policy, url);
  return r.ok ? null : r.reason;
};

describe('address policy: refused ranges', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['0.1.2.3', 'unspecified ("this network")'],
    ['255.255.255.255', 'reserved or broadcast'],
    ['240.0.0.1', 'reserved or broadcast'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'IETF protocol assignments (Teredo, ORCHID…)'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['100::1', 'discard-only'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped)'],
    ['::ffff:10.1.2.3', 'private (IPv4-mapped)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4-mapped)'],
    ['64:ff9b::127.0.0.1', 'loopback (NAT64)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (NAT64)'],
    ['64:ff9b::c0a8:101', 'private (NAT64)'],
    ['2002:7f00:1::', 'loopback (6to4)'],
    ['2002:a00:1::1', 'private (6to4)'],
    ['::127.0.0.1', 'reserved (outside IPv6 global unicast)'],
    ['::ffff:0:127.0.0.1', 'reserved (outside IPv6 global unicast)'],
    ['4000::1', 'reserved (outside IPv6 global unicast)'],
  ])('%s is %s', (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.169.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(refusedRange(address)).toBeNull();
  });

  it('is not fooled by something that is no IP address', () => {
    expect(refusedRange('localhost')).toBe('not an IP address');
    expect(refusedRange('127.0.0.1.nip.io')).toBe('not an IP address');
  });

  it('reads IPv6 (with ::, a dotted tail, brackets) and the IPv4 it embeds', () => {
    expect([...(ipv6Bytes('[::ffff:1.2.3.4]') ?? [])]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect([...(ipv6Bytes('1::') ?? [])]).toEqual([0, 1, ...Array(14).fill(0)]);
    expect(ipv6Bytes('1.2.3.4')).toBeNull();
    expect(embeddedIPv4('::ffff:7f00:1')).toEqual({ ipv4: '127.0.0.1', form: 'IPv4-mapped' });
    expect(embeddedIPv4('64:ff9b::7f00:1')).toEqual({ ipv4: '127.0.0.1', form: 'NAT64' });
    expect(embeddedIPv4('2002:c0a8:101::')).toEqual({ ipv4: '192.168.1.1', form: '6to4' });
    expect(embeddedIPv4('2606:4700::1')).toBeNull();
  });
});

describe('address policy: URLs (WHATWG parser first)', () => {
  it.each([
    ['http://127.0.0.1/', '127.0.0.1 is loopback'],
    ['http://0x7f000001/', '127.0.0.1 is loopback'],
    ['http://2130706433/', '127.0.0.1 is loopback'],
    ['http://0177.0.0.1/', '127.0.0.1 is loopback'],
    ['http://127.1/', '127.0.0.1 is loopback'],
    ['http://0x7f.1/', '127.0.0.1 is loopback'],
    ['http://0/', '0.0.0.0 is unspecified ("this network")'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is link-local'],
    ['http://0xa9fea9fe/', '169.254.169.254 is link-local'],
    ['http://10.1.2.3:8080/hook', '10.1.2.3 is private'],
    ['http://[::1]:8080/', '::1 is loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1 is loopback'],
    ['http://[::]/', ':: is unspecified'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is loopback (IPv4-mapped)'],
    ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe is link-local (IPv4-mapped)'],
    ['http://[64:ff9b::127.0.0.1]/', '64:ff9b::7f00:1 is loopback (NAT64)'],
    ['http://[fd00::1]/', 'fd00::1 is unique-local'],
    ['http://[fe80::1]/', 'fe80::1 is link-local'],
    ['http://100.64.0.1/', '100.64.0.1 is carrier-grade NAT'],
    ['http://224.0.0.1/', '224.0.0.1 is multicast'],
    ['http://255.255.255.255/', '255.255.255.255 is reserved or broadcast'],
    ['ftp://example.com/', 'ftp: URLs are not allowed (http or https only)'],
    ['file:///etc/passwd', 'file: URLs are not allowed (http or https only)'],
    ['gopher://127.0.0.1:6379/_INFO', 'gopher: URLs are not allowed (http or https only)'],
    ['not a url', 'not a URL'],
  ])('%s is refused: %s', (url, reason) => {
    expect(refusedUrl(url)).toBe(reason);
  });

  it('leaves a name to the resolver and keeps public literals', () => {
    const r = parseOutboundUrl(REFUSE_ALL_PRIVATE, 'https://api.twilio.com/2010-04-01');
    expect(r.ok && r.target).toMatchObject({ host: 'api.twilio.com', ip: null });
    const v6 = parseOutboundUrl(REFUSE_ALL_PRIVATE, 'http://[2606:4700:4700::1111]:8443/x');
    expect(v6.ok && v6.target).toMatchObject({ host: '2606:4700:4700::1111', ip: '2606:4700:4700::1111' });
    expect(refusedUrl('http://8.8.8.8/')).toBeNull();
  });
});

describe('address policy: the allow list (PARLEY_OUTBOUND_ALLOW)', () => {
  it('allows listed addresses, in every spelling, and nothing next to them', () => {
    const policy = parseAllowList(['127.0.0.1', '::1']);
    expect(refusedUrl('http://127.0.0.1:9/', policy)).toBeNull();
    expect(refusedUrl('http://0x7f000001/', policy)).toBeNull();
    expect(refusedUrl('http://[::1]/', policy)).toBeNull();
    expect(refusedUrl('http://[::ffff:127.0.0.1]/', policy)).toBeNull();
    expect(refusedUrl('http://127.0.0.2/', policy)).toBe('127.0.0.2 is loopback');
    expect(refusedUrl('http://169.254.169.254/', policy)).toBe('169.254.169.254 is link-local');
  });

  it('allows CIDRs (IPv4 and IPv6)', () => {
    const policy = parseAllowList([' 10.20.0.0/16 ', 'fd00:1::/32', '']);
    expect(policy.entries).toEqual(['10.20.0.0/16', 'fd00:1::/32']);
    expect(checkAddress(policy, 'crm.internal', '10.20.30.40')).toEqual({ ok: true });
    expect(checkAddress(policy, 'crm.internal', '::ffff:10.20.30.40')).toEqual({ ok: true });
    expect(checkAddress(policy, 'crm.internal', '10.21.0.1')).toEqual({ ok: false, reason: '10.21.0.1 is private' });
    expect(checkAddress(policy, 'x', 'fd00:1:2::3')).toEqual({ ok: true });
    expect(checkAddress(policy, 'x', 'fd00:2::3').ok).toBe(false);
  });

  it('allows a listed host name to resolve to anything, other names not', () => {
    const policy = parseAllowList(['Provider.Internal.', 'localhost']);
    expect(checkResolved(policy, 'provider.internal', ['10.0.0.5', '127.0.0.1'])).toEqual({ ok: true });
    expect(checkResolved(policy, 'PROVIDER.internal.', ['10.0.0.5'])).toEqual({ ok: true });
    expect(checkResolved(policy, 'localhost', ['127.0.0.1', '::1'])).toEqual({ ok: true });
    expect(checkResolved(policy, 'other.internal', ['10.0.0.5'])).toEqual({ ok: false, reason: '10.0.0.5 is private' });
    // The name is not an address: a URL with the bare IP is still refused.
    expect(refusedUrl('http://10.0.0.5/', policy)).toBe('10.0.0.5 is private');
  });

  it('refuses a name when any of its addresses is refused (public and private mixed), or when it has none', () => {
    expect(checkResolved(REFUSE_ALL_PRIVATE, 'mixed.example', ['93.184.215.14', '127.0.0.1'])).toEqual({ ok: false, reason: '127.0.0.1 is loopback' });
    expect(checkResolved(REFUSE_ALL_PRIVATE, 'public.example', ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])).toEqual({ ok: true });
    expect(checkResolved(REFUSE_ALL_PRIVATE, 'none.example', [])).toEqual({ ok: false, reason: 'none.example resolved to no address' });
  });

  it('rejects entries that are no host, address or CIDR', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'fd00::/129', 'host:8080', 'http://x/', 'a b', 'not/cidr']) {
      expect(() => parseAllowList([bad]), bad).toThrow();
    }
  });
});
