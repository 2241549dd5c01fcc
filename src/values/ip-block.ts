import * as ipaddr from 'ipaddr.js';
import { k8s } from 'cdk8s-plus-27';
import { parseIp } from '../k8s/ip';
import { asList, listProblems, show } from './checks';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * A CIDR with optional `except` blocks inside it: a NetworkPolicy `ipBlock` peer.
 *
 * Like {@link Port}, construction never throws; {@link IpBlock.problems} lists what is wrong so
 * that a synthesis can report every error at once.
 */
export class IpBlock {
  /** Any CIDR, IPv4 or IPv6, e.g. `IpBlock.of('10.0.0.0/8', ['10.1.0.0/16'])`. */
  public static of(cidr: string, except: readonly string[] = []): IpBlock { return new IpBlock(cidr, except); }
  /** An IPv4 CIDR; an IPv6 value is reported as a problem. */
  public static ipv4(cidr: string, except: readonly string[] = []): IpBlock { return new IpBlock(cidr, except, 'ipv4'); }
  /** An IPv6 CIDR; an IPv4 value is reported as a problem. */
  public static ipv6(cidr: string, except: readonly string[] = []): IpBlock { return new IpBlock(cidr, except, 'ipv6'); }
  /** Every IPv4 address: the internet, when written on purpose. */
  public static anyIpv4(except: readonly string[] = []): IpBlock { return new IpBlock('0.0.0.0/0', except, 'ipv4'); }
  /** Every IPv6 address. */
  public static anyIpv6(except: readonly string[] = []): IpBlock { return new IpBlock('::/0', except, 'ipv6'); }

  /** `except` de-duplicated, in first-seen order. */
  public readonly except: readonly string[];

  private constructor(public readonly cidr: string, private readonly exceptGiven: readonly string[], private readonly family?: 'ipv4' | 'ipv6') {
    this.except = [...new Set(asList(exceptGiven))];
  }

  /** What is wrong with this value, as complete sentences with a fix; empty when valid. */
  public get problems(): string[] {
    const out: string[] = listProblems('except', this.exceptGiven, '["10.1.0.0/16"]');
    const range = parseCidr(this.cidr, out);
    if (!range) return out;
    if (this.family && range[0].kind() !== this.family) {
      out.push(`CIDR ${JSON.stringify(this.cidr)} is ${range[0].kind() === 'ipv4' ? 'IPv4' : 'IPv6'}; use IpBlock.of() or IpBlock.${range[0].kind()}()`);
    }
    for (const ex of this.except) {
      const exRange = parseCidr(ex, out, 'except entry ');
      if (!exRange) continue;
      if (exRange[0].kind() !== range[0].kind() || exRange[1] < range[1] || !exRange[0].match(range)) {
        out.push(`except entry ${JSON.stringify(ex)} is not inside ${this.cidr}; list only blocks inside the CIDR`);
      } else if (exRange[1] === range[1]) {
        out.push(`except entry ${JSON.stringify(ex)} removes all of ${this.cidr}; drop the entry instead`);
      }
    }
    return out;
  }

  /** IP family, or undefined while the CIDR does not parse. */
  public get kind(): 'ipv4' | 'ipv6' | undefined {
    try { return ipaddr.parseCIDR(this.cidr)[0].kind(); } catch { return undefined; }
  }

  /** Identity for de-duplication. */
  public get key(): string { return `${this.cidr}!${[...this.except].sort().join(',')}`; }

  /** True when the block is a whole address family (`0.0.0.0/0` or `::/0`) with nothing excepted. */
  public get isEverywhere(): boolean { return (this.cidr === '0.0.0.0/0' || this.cidr === '::/0') && this.except.length === 0; }

  /** e.g. `10.0.0.0/8` or `10.0.0.0/8 except 10.1.0.0/16`. */
  public toString(): string {
    return this.except.length ? `${this.cidr} except ${this.except.join(', ')}` : this.cidr;
  }

  /** The NetworkPolicy `ipBlock`. */
  public toPolicyIpBlock(): k8s.IpBlock {
    return { cidr: this.cidr, except: this.except.length ? [...this.except] : undefined };
  }
}

/** True for an {@link IpBlock}, also one of another copy of the package. */
export function isIpBlock(value: unknown): value is IpBlock {
  return value instanceof IpBlock || typeof (value as IpBlock | undefined)?.toPolicyIpBlock === 'function';
}

/**
 * CIDR strings and {@link IpBlock}s as IpBlocks; undefined is an empty list. Elements of another
 * type are left out, and so is a value that is not a list: {@link cidrListProblems} reports them.
 */
export function ipBlocks(cidrs: ReadonlyArray<string | IpBlock> | undefined): IpBlock[] {
  return asList(cidrs).flatMap((c) => (typeof c === 'string' ? [IpBlock.of(c)] : isIpBlock(c) ? [c] : []));
}

/** Problems with a list of CIDRs (a `cidrs`-like prop): not a list, elements of another type, then each block's own. */
export function cidrListProblems(what: string, cidrs: unknown): string[] {
  if (!Array.isArray(cidrs)) return listProblems(what, cidrs, `[${typeof cidrs === 'string' ? JSON.stringify(cidrs) : '"10.0.0.0/8"'}]`);
  return cidrs.flatMap((c, i) => (typeof c === 'string' || isIpBlock(c)
    ? ipBlocks([c]).flatMap((b) => b.problems)
    : [`${what}[${i}] is ${show(c)}, not a CIDR; write a string like "10.0.0.0/8" or IpBlock.of(cidr, except)`]));
}

function parseCidr(value: string, out: string[], what = 'CIDR '): [Address, number] | undefined {
  if (typeof value !== 'string') {
    out.push(`${what}${JSON.stringify(value)} is not a string; write it like "10.0.0.0/8"`);
    return undefined;
  }
  if (!value.includes('/') && isStrictIp(value)) {
    const bits = ipaddr.parse(value).kind() === 'ipv4' ? 32 : 128;
    out.push(`${what}${JSON.stringify(value)} is missing a prefix length; did you mean "${value}/${bits}"?`);
    return undefined;
  }
  let range: [Address, number];
  try {
    if (!isStrictIp(value.slice(0, value.lastIndexOf('/')))) throw new Error('not an address');
    range = ipaddr.parseCIDR(value);
  } catch {
    out.push(`${what}${JSON.stringify(value)} is not a valid CIDR; write an address and prefix length like "10.0.0.0/8" or "2001:db8::/32"`);
    return undefined;
  }
  const network = networkAddress(range);
  if (network !== range[0].toString()) {
    out.push(`${what}${JSON.stringify(value)} has host bits set; did you mean "${network}/${range[1]}"?`);
    return undefined;
  }
  const mapped = mappedIpv4(range);
  if (mapped) {
    out.push(`${what}${JSON.stringify(value)} is an IPv4-mapped IPv6 block, which matches no IPv4 traffic; write the IPv4 CIDR "${mapped}"`);
    return undefined;
  }
  return range;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) stands for, or undefined for any other value. */
export function ipv4OfMapped(value: string): string | undefined {
  if (!isStrictIp(value) || !value.includes(':')) return undefined;
  return mappedIpv4([ipaddr.parse(value), 128])?.replace(/\/32$/, '');
}

/**
 * The IPv4 CIDR an IPv4-mapped IPv6 block (`::ffff:a.b.c.d/96+n`) stands for, or undefined for any
 * other block. Kubernetes accepts such a block, but connections carry IPv4 addresses, which it
 * never matches.
 */
export function mappedIpv4([addr, bits]: [Address, number]): string | undefined {
  if (addr.kind() !== 'ipv6' || bits < 96 || !(addr as ipaddr.IPv6).isIPv4MappedAddress()) return undefined;
  return `${(addr as ipaddr.IPv6).toIPv4Address().toString()}/${bits - 96}`;
}

/**
 * IPv4 in dotted four-part decimal or standard IPv6, the same rule the reachability engine applies
 * ({@link parseIp}). ipaddr.js also accepts legacy forms such as `10.1` or `0x0a.0.0.1` and IPv6
 * zone ids (`fe80::1%eth0`), which the Kubernetes API rejects.
 */
export function isStrictIp(value: string): boolean {
  return typeof value === 'string' && parseIp(value) !== undefined;
}

function networkAddress([addr, bits]: [Address, number]): string {
  return addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`).toString()
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`).toString();
}
