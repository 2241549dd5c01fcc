import { IpAddress, IpRange, parseCidr, rangeCidrs } from '../analysis';
import { cidrRange } from '../k8s/ip';
import { mergeRanges } from '../diff/describe';

export { mergeRanges };

const FULL: Readonly<Record<4 | 6, bigint>> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** Every address of both families that none of the sorted, merged `ranges` holds. */
export function complementRanges(ranges: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const family of [4, 6] as const) {
    let next = 0n;
    for (const r of ranges) {
      if (r.family !== family) continue;
      if (r.lo > next) out.push({ family, lo: next, hi: r.lo - 1n });
      next = r.hi + 1n;
    }
    if (next <= FULL[family]) out.push({ family, lo: next, hi: FULL[family] });
  }
  return out;
}

/** Sorted, merged `ranges` without the single addresses `ips`. */
export function subtractAddresses(ranges: readonly IpRange[], ips: readonly IpAddress[]): IpRange[] {
  if (ips.length === 0) return [...ranges];
  let out = [...ranges];
  for (const ip of ips) {
    const at = BigInt(ip.value);
    out = out.flatMap((r) => {
      if (r.family !== ip.family || at < r.lo || at > r.hi) return [r];
      return [...(r.lo < at ? [{ family: r.family, lo: r.lo, hi: at - 1n }] : []), ...(at < r.hi ? [{ family: r.family, lo: at + 1n, hi: r.hi }] : [])];
    });
  }
  return out;
}

/** The ranges of CIDRs (`10.0.0.0/8`), sorted and merged; text that is not a CIDR is left out. */
export function cidrRanges(cidrs: readonly string[]): IpRange[] {
  return mergeRanges(cidrs.flatMap((text) => {
    const cidr = parseCidr(text);
    if (!cidr) return [];
    const [lo, hi] = cidrRange(cidr).map(BigInt);
    return [{ family: cidr.family, lo, hi }];
  }));
}

/**
 * Addresses in words, per family: `any IPv4 address`, `CIDR 10.0.0.0/8, 192.168.1.1/32`, or, when
 * that takes fewer CIDRs, `any IPv4 address except CIDR 10.0.0.0/8`.
 */
export function addressWords(ranges: readonly IpRange[], list: (items: readonly string[]) => string): string {
  const holes = complementRanges(ranges);
  return ([4, 6] as const).flatMap((family) => {
    const mine = ranges.filter((r) => r.family === family);
    if (mine.length === 0) return [];
    const gaps = holes.filter((r) => r.family === family);
    if (gaps.length === 0) return [`any IPv${family} address`];
    const cidrs = mine.flatMap(rangeCidrs);
    const except = gaps.flatMap(rangeCidrs);
    return [except.length < cidrs.length ? `any IPv${family} address except CIDR ${list(except)}` : `CIDR ${list(cidrs)}`];
  }).join('; ');
}
