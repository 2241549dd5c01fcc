import { RuleSpec } from '../render/model';
import { cidrListProblems, IpBlock, ipBlocks } from '../values/ip-block';
import { AllowListEntry, AllowListEntryProps } from './entry';
import { IsolatedProject } from './project';

/** Props of an {@link ExternalWhitelist}. */
export interface ExternalWhitelistProps extends AllowListEntryProps {
  /** Addresses outside the cluster: CIDR strings or {@link IpBlock}s (with `except`); at least one. */
  readonly cidrs: ReadonlyArray<string | IpBlock>;
}

/**
 * Allows traffic between the project and CIDRs outside the cluster (KubeSphere's "external
 * allow-list"). For ingress through NodePort or LoadBalancer Services, the source is only the
 * client's address under `externalTrafficPolicy: Local`; see `ExposedService`.
 */
export class ExternalWhitelist extends AllowListEntry {
  public readonly blocks: readonly IpBlock[];

  constructor(project: IsolatedProject, name: string, props: ExternalWhitelistProps) {
    super(project, name, props);
    this.blocks = ipBlocks(props?.cidrs);
    this.cidrsGiven = props?.cidrs;
  }

  private readonly cidrsGiven: unknown;

  protected describePeers(): string {
    return this.blocks.map(String).join(', ') || 'no CIDR';
  }

  protected peerProblems(): string[] {
    if (this.cidrsGiven === undefined || (Array.isArray(this.cidrsGiven) && this.cidrsGiven.length === 0)) {
      return ['cidrs is empty, which in a NetworkPolicy would mean everyone; list at least one CIDR (IpBlock.anyIpv4() opens to every address on purpose)'];
    }
    return cidrListProblems('cidrs', this.cidrsGiven);
  }

  protected rules(): RuleSpec[] {
    return [this.rule(this.blocks.map((block) => ({ kind: 'ip-block', block })))];
  }
}
