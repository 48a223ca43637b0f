import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type CidrRange, ipAllowed, parseCidr, parseIp } from './cidr.ts';

function ranges(...texts: string[]): CidrRange[] {
  return texts.map((t) => {
    const r = parseCidr(t);
    if (typeof r === 'string') throw new Error(r);
    return r;
  });
}

describe('CIDR allowlists', () => {
  test('an IPv4 range matches addresses inside it and nothing outside', () => {
    const list = ranges('203.0.113.0/24');
    assert.equal(ipAllowed(list, '203.0.113.7'), true);
    assert.equal(ipAllowed(list, '203.0.114.7'), false);
  });

  test('an IPv4 range also matches the IPv4-mapped IPv6 form a dual-stack socket reports', () => {
    const list = ranges('10.0.0.0/8');
    assert.equal(ipAllowed(list, '::ffff:10.20.30.40'), true);
    assert.equal(ipAllowed(list, '::ffff:a14:1e28'), true);
    assert.equal(ipAllowed(list, '::ffff:11.0.0.1'), false);
  });

  test('a mapped IPv6 range matches plain IPv4 clients too', () => {
    assert.equal(ipAllowed(ranges('::ffff:192.168.0.0/112'), '192.168.4.4'), true);
  });

  test('IPv6 ranges match by prefix, in any textual spelling of the address', () => {
    const list = ranges('2001:db8:abcd::/48');
    assert.equal(ipAllowed(list, '2001:db8:abcd:12::1'), true);
    assert.equal(ipAllowed(list, '2001:0db8:abcd:0012:0000:0000:0000:0001'), true);
    assert.equal(ipAllowed(list, '2001:db8:abce::1'), false);
    assert.equal(ipAllowed(list, '203.0.113.7'), false);
  });

  test('a bare address is a single-host range', () => {
    const list = ranges('198.51.100.9', '2001:db8::1');
    assert.equal(ipAllowed(list, '198.51.100.9'), true);
    assert.equal(ipAllowed(list, '198.51.100.10'), false);
    assert.equal(ipAllowed(list, '2001:db8::1'), true);
  });

  test('IPv4-compatible ::a.b.c.d is not treated as IPv4', () => {
    assert.equal(ipAllowed(ranges('10.0.0.0/8'), '::10.0.0.1'), false);
  });

  test('malformed entries are refused with a reason: typos, host bits, /0, oversize prefixes, zones', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.1/8',
      '0.0.0.0/0',
      '::/0',
      '2001:db8::/129',
      'fe80::1%eth0',
      '10.0.0.0/08',
      '10.0.0.0/',
      'example.com',
      '256.0.0.1',
    ]) {
      assert.equal(typeof parseCidr(bad), 'string', bad);
    }
  });

  test('a client address that is not an IP (or carries a zone id) is never allowed', () => {
    const list = ranges('2001:db8::/32', '10.0.0.0/8');
    for (const bad of ['', 'localhost', 'fe80::1%eth0', '10.0.0.1:443', '2001:db8::1/128']) {
      assert.equal(ipAllowed(list, bad), false, bad);
    }
  });

  test('property: matching agrees with node:net BlockList for random IPv4 and IPv6 ranges', () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 32 }), fc.ipV4());
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 1, max: 128 }), fc.ipV6());
    const check = ([base, prefix, probe]: [string, number, string], family: 'ipv4' | 'ipv6') => {
      const block = new BlockList();
      block.addSubnet(base, prefix, family);
      const value = parseIp(base)!;
      const mask = ((1n << BigInt(prefix)) - 1n) << BigInt((family === 'ipv4' ? 32 : 128) - prefix);
      const netValue = family === 'ipv4' ? value & 0xffffffffn & mask : value & mask;
      const text = family === 'ipv4' ? intToV4(netValue) : intToV6(netValue);
      const range = parseCidr(`${text}/${prefix}`);
      assert.notEqual(typeof range, 'string', `${text}/${prefix}`);
      assert.equal(
        ipAllowed([range as CidrRange], probe),
        block.check(probe, family),
        `${text}/${prefix} ∋ ${probe}`,
      );
      assert.equal(ipAllowed([range as CidrRange], base), true);
    };
    fc.assert(
      fc.property(v4, (t) => check(t, 'ipv4')),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(v6, (t) => check(t, 'ipv6')),
      { numRuns: 1000 },
    );
  });
});

function intToV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

function intToV6(value: bigint): string {
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}
