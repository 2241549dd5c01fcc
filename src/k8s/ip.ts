import * as ipaddr from 'ipaddr.js';

/**
 * A parsed IPv4 or IPv6 address. IPv4 is kept as an unsigned 32-bit number and
 * IPv6 as a bigint so that CIDR tests are a shift and a compare: the matrix
 * computation tests every IP-bearing workload against every distinct ipBlock.
 */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: number | bigint;
  readonly text: string;
}

/** A parsed CIDR. `prefix` is the address shifted right by the host bits. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bits: number;
  readonly prefix: number | bigint;
  readonly text: string;
}

/** A NetworkPolicy ipBlock: addresses in `cidr` but in none of `except`. */
export interface IpBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
  /** Canonical text, used to deduplicate identical blocks across policies. */
  readonly key: string;
}

/**
 * Parses a plain IP address. Only dotted-quad IPv4 and standard IPv6 are
 * accepted: ipaddr.js's lenient forms (`10.1`, hex octets) and IPv6 zone ids
 * are not valid in Kubernetes objects.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const [a, b, c, d] = ipaddr.IPv4.parse(text).toByteArray();
    return { family: 4, value: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, text };
  }
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) {
    let value = 0n;
    for (const byte of ipaddr.IPv6.parse(text).toByteArray()) value = (value << 8n) | BigInt(byte);
    return { family: 6, value, text };
  }
  return undefined;
}

/** Parses `address/bits`. Host bits may be set (the API accepts that); they are ignored. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const width = ip.family === 4 ? 32 : 128;
  if (bits > width) return undefined;
  return { family: ip.family, bits, prefix: shiftOut(ip, width - bits), text };
}

function shiftOut(ip: IpAddress, hostBits: number): number | bigint {
  if (ip.family === 6) return (ip.value as bigint) >> BigInt(hostBits);
  // `>>>` by 32 is a no-op in JavaScript, so a /0 needs its own case.
  return hostBits >= 32 ? 0 : (ip.value as number) >>> hostBits;
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  return shiftOut(ip, (ip.family === 4 ? 32 : 128) - cidr.bits) === cidr.prefix;
}

/** True when every address of `inner` lies in `outer` and `inner` is strictly smaller. */
export function cidrStrictlyWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.bits <= outer.bits) return false;
  const shift = inner.bits - outer.bits;
  const innerAtOuter = inner.family === 6 ? (inner.prefix as bigint) >> BigInt(shift) : shift >= 32 ? 0 : (inner.prefix as number) >>> shift;
  return innerAtOuter === outer.prefix;
}

/** First and last address of a CIDR, comparable with {@link IpAddress.value} of the same family. */
export function cidrRange(cidr: Cidr): [number | bigint, number | bigint] {
  if (cidr.family === 6) {
    const host = BigInt(128 - cidr.bits);
    const lo = (cidr.prefix as bigint) << host;
    return [lo, lo + (1n << host) - 1n];
  }
  // Multiplication, not <<, because 32-bit shifts overflow into negative numbers.
  const size = 2 ** (32 - cidr.bits);
  const lo = (cidr.prefix as number) * size;
  return [lo, lo + size - 1];
}

export function ipBlockMatches(block: IpBlock, ip: IpAddress): boolean {
  return cidrContains(block.cidr, ip) && !block.except.some((e) => cidrContains(e, ip));
}

/** The textual form of an address value of `family` (as in {@link IpAddress.value}). */
export function formatIp(value: number | bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  let v = BigInt(value);
  for (let i = 0; i < (family === 4 ? 4 : 16); i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * One address of `cidr` that none of `excluded` contains: the first host address (the network
 * address itself only for `/31`, `/32`, `/127`, `/128`), moved past excluded ranges; undefined
 * when the exclusions cover the rest of the CIDR. Used to stand in for "an address of this block".
 */
export function addressOutside(cidr: Cidr, excluded: readonly Cidr[]): string | undefined {
  const [lo, hi] = cidrRange(cidr).map((v) => BigInt(v));
  let candidate = lo + (cidr.bits >= (cidr.family === 4 ? 31 : 127) ? 0n : 1n);
  const ranges = excluded.filter((e) => e.family === cidr.family).map((e) => cidrRange(e).map((v) => BigInt(v)));
  for (let moved = true; moved;) {
    moved = false;
    for (const [elo, ehi] of ranges) {
      if (candidate >= elo && candidate <= ehi) {
        candidate = ehi + 1n;
        moved = true;
      }
    }
  }
  return candidate > hi ? undefined : formatIp(candidate, cidr.family);
}
