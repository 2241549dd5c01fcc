import { IpBlock, ipBlocks } from './ip-block';

/** Clouds whose instance metadata service {@link ExternalPeer.cloudMetadata} knows. */
export type CloudProvider = 'aws' | 'azure' | 'gcp' | 'openstack' | 'alibaba';

/**
 * Instance metadata addresses per cloud: the link-local 169.254.169.254 that AWS, Azure, Google
 * Cloud and OpenStack share (AWS adds fd00:ec2::254 for IPv6 instances), and Alibaba Cloud's
 * 100.100.100.200.
 */
const METADATA: Readonly<Record<CloudProvider, readonly string[]>> = {
  aws: ['169.254.169.254/32', 'fd00:ec2::254/128'],
  azure: ['169.254.169.254/32'],
  gcp: ['169.254.169.254/32'],
  openstack: ['169.254.169.254/32'],
  alibaba: ['100.100.100.200/32'],
};

/**
 * An address outside the cluster named by what it is rather than by a hand-kept CIDR, for
 * `ExternalWhitelist` `cidrs` (next to CIDR strings and {@link IpBlock}s).
 */
export class ExternalPeer {
  /**
   * The cloud's instance metadata service (credentials, instance identity). Usually something to
   * keep pods away from; allow it only for the pods that need it.
   * @param provider the cloud; @default 169.254.169.254, which AWS, Azure, Google Cloud and OpenStack share
   */
  public static cloudMetadata(provider?: CloudProvider): ExternalPeer {
    const cidrs = provider === undefined ? ['169.254.169.254/32'] : METADATA[provider];
    return new ExternalPeer(provider === undefined ? 'the cloud metadata service' : `the ${provider} metadata service`, cidrs, provider);
  }

  /** @internal marker used instead of instanceof, which breaks across duplicated packages */
  public readonly isExternalPeer = true;

  private constructor(private readonly description: string, private readonly cidrs: readonly string[] | undefined, private readonly provider?: string) {}

  /** What is wrong with this value, as complete sentences with a fix; empty when valid. */
  public get problems(): string[] {
    if (this.cidrs) return [];
    return [`cloud provider ${JSON.stringify(this.provider)} is not one of ${Object.keys(METADATA).map((k) => JSON.stringify(k)).join(', ')}; name one of them or list the metadata address as a CIDR`];
  }

  /** The addresses, as ipBlocks; empty for an invalid value. */
  public get blocks(): IpBlock[] {
    return ipBlocks(this.cidrs);
  }

  /** e.g. `the aws metadata service (169.254.169.254/32, fd00:ec2::254/128)`. */
  public toString(): string {
    return `${this.description}${this.cidrs ? ` (${this.cidrs.join(', ')})` : ''}`;
  }
}

/** True for an {@link ExternalPeer}. @internal */
export function isExternalPeer(value: unknown): value is ExternalPeer {
  return typeof value === 'object' && value !== null && (value as { isExternalPeer?: boolean }).isExternalPeer === true;
}
