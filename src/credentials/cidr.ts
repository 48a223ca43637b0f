/**
 * IP allowlists of CIDR ranges, IPv4 and IPv6, with no dependency.
 *
 * Every address is read as a 128-bit integer; an IPv4 address a.b.c.d is
 * read as its IPv4-mapped IPv6 form ::ffff:a.b.c.d, and an IPv4 range /n as
 * the mapped range /(96+n). So `10.0.0.0/8` matches both `10.1.2.3` and
 * `::ffff:10.1.2.3` (what a dual-stack socket reports), and one comparison
 * serves both families. Zone ids (`fe80::1%eth0`) are not accepted.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface CidrRange {
  /** The range as written (after validation). */
  text: string;
  network: bigint;
  /** Prefix length in the 128-bit space. */
  prefix: number;
  mask: bigint;
}

const MAPPED_PREFIX = 0xffffn << 32n;

function ipv4ToInt(text: string): bigint {
  let value = 0n;
  for (const octet of text.split('.')) value = (value << 8n) | BigInt(Number(octet));
  return value;
}

function groupsOf(part: string): number[] {
  if (part === '') return [];
  const groups: number[] = [];
  for (const item of part.split(':')) {
    if (item.includes('.')) {
      const v4 = Number(ipv4ToInt(item));
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
    } else {
      groups.push(Number.parseInt(item, 16));
    }
  }
  return groups;
}

function ipv6ToInt(text: string): bigint {
  const gap = text.indexOf('::');
  const head = groupsOf(gap < 0 ? text : text.slice(0, gap));
  const tail = gap < 0 ? [] : groupsOf(text.slice(gap + 2));
  const zeros: number[] = new Array(8 - head.length - tail.length).fill(0);
  let value = 0n;
  for (const group of [...head, ...zeros, ...tail]) value = (value << 16n) | BigInt(group);
  return value;
}

/** The address as a 128-bit integer (IPv4 as IPv4-mapped IPv6), or undefined when it is not an IP address. */
export function parseIp(text: string): bigint | undefined {
  if (isIPv4(text)) return MAPPED_PREFIX | ipv4ToInt(text);
  if (isIPv6(text) && !text.includes('%')) return ipv6ToInt(text);
  return undefined;
}

function mask(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix);
}

/**
 * Parses one allowlist entry: `a.b.c.d/n`, `x:y::/n`, or a single address.
 * Returns a reason string when invalid: host bits set below the prefix (a
 * likely typo) and `/0` ranges (they allow everything) are refused.
 */
export function parseCidr(text: string): CidrRange | string {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = isIPv4(address);
  const network = parseIp(address);
  if (network === undefined) return `${JSON.stringify(text)} is not an IP address or CIDR range`;
  const max = v4 ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    return `${JSON.stringify(text)} has a malformed prefix length`;
  }
  const written = prefixText === undefined ? max : Number(prefixText);
  if (written > max) return `${JSON.stringify(text)} has a prefix longer than ${max}`;
  if (written === 0) return `${JSON.stringify(text)} allows every address; omit the allowlist instead`;
  const prefix = v4 ? 96 + written : written;
  const bits = mask(prefix);
  if ((network & ~bits) !== 0n) return `${JSON.stringify(text)} has bits set after the prefix`;
  return { text, network, prefix, mask: bits };
}

export function cidrContains(range: CidrRange, address: bigint): boolean {
  return (address & range.mask) === range.network;
}

/** True when the address (IPv4, IPv6 or IPv4-mapped IPv6 text) lies in one of the ranges. */
export function ipAllowed(ranges: readonly CidrRange[], address: string): boolean {
  const value = parseIp(address);
  if (value === undefined) return false;
  for (const range of ranges) if (cidrContains(range, value)) return true;
  return false;
}
