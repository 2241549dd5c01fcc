import * as ipaddr from 'ipaddr.js';
import { k8s } from 'cdk8s-plus-27';
import { parseIp } from '../k8s/ip';

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

  private constructor(public readonly cidr: string, except: readonly string[], private readonly family?: 'ipv4' | 'ipv6') {
    this.except = [...new Set(except)];
  }

  /** What is wrong with this value, as complete sentences with a fix; empty when valid. */
  public get problems(): string[] {
    const out: string[] = [];
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

/** CIDR strings and {@link IpBlock}s as IpBlocks; undefined is an empty list. */
export function ipBlocks(cidrs: ReadonlyArray<string | IpBlock> | undefined): IpBlock[] {
  return (cidrs ?? []).map((c) => (typeof c === 'string' ? IpBlock.of(c) : c));
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
  return range;
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
