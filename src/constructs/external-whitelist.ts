import { RuleSpec } from '../render/model';
import { ExternalPeer, isExternalPeer } from '../values/external-peer';
import { cidrListProblems, IpBlock, ipBlocks } from '../values/ip-block';
import { AllowListEntry, AllowListEntryProps } from './entry';
import { IsolatedProject } from './project';

/** Props of an {@link ExternalWhitelist}. */
export interface ExternalWhitelistProps extends AllowListEntryProps {
  /**
   * Addresses outside the cluster: CIDR strings, {@link IpBlock}s (with `except`) or named
   * {@link ExternalPeer}s such as `ExternalPeer.cloudMetadata()`; at least one.
   */
  readonly cidrs: ReadonlyArray<string | IpBlock | ExternalPeer>;
}

/**
 * Allows traffic between the project and CIDRs outside the cluster (KubeSphere's "external
 * allow-list"). For ingress through NodePort or LoadBalancer Services, the source is only the
 * client's address under `externalTrafficPolicy: Local`; see `ExposedService`.
 */
export class ExternalWhitelist extends AllowListEntry {
  public readonly blocks: readonly IpBlock[];
  /** The named peers among `cidrs`; their addresses are part of {@link ExternalWhitelist.blocks}. */
  public readonly peers: readonly ExternalPeer[];

  constructor(project: IsolatedProject, name: string, props: ExternalWhitelistProps) {
    super(project, name, props);
    const given = Array.isArray(props?.cidrs) ? props.cidrs : [];
    this.peers = given.filter(isExternalPeer);
    this.blocks = [...ipBlocks(given.filter((c): c is string | IpBlock => !isExternalPeer(c))), ...this.peers.flatMap((p) => p.blocks)];
    this.cidrsGiven = props?.cidrs;
  }

  private readonly cidrsGiven: unknown;

  protected describePeers(): string {
    return this.blocks.map(String).join(', ') || 'no CIDR';
  }

  protected peerProblems(): string[] {
    const named = this.peers.flatMap((p) => p.problems);
    if (named.length) return named;
    if (this.cidrsGiven === undefined || (Array.isArray(this.cidrsGiven) && this.cidrsGiven.length === 0)) {
      return ['cidrs is empty, which in a NetworkPolicy would mean everyone; list at least one CIDR (IpBlock.anyIpv4() opens to every address on purpose)'];
    }
    // Named peers (ExternalPeer) are checked above; the rest must be CIDRs.
    return cidrListProblems('cidrs', Array.isArray(this.cidrsGiven) ? this.cidrsGiven.filter((c) => !isExternalPeer(c)) : this.cidrsGiven);
  }

  protected rules(): RuleSpec[] {
    return [this.rule(this.blocks.map((block) => ({ kind: 'ip-block', block })))];
  }
}
