import { RuleSpec } from '../render/model';
import { InternalPeer, isInternalPeer, peerListProblems } from '../values/internal-peer';
import { targetPorts } from '../values/service';
import { AllowListEntry, AllowListEntryProps } from './entry';
import { IsolatedProject } from './project';

/** Props of an {@link InternalWhitelist}. */
export interface InternalWhitelistProps extends AllowListEntryProps {
  /** Projects, namespaces or Services on the other side; at least one. */
  readonly peers: readonly InternalPeer[];
}

/**
 * Allows traffic between the project and other projects or Services of the cluster (KubeSphere's
 * "internal allow-list"). For egress to a Service, the Service's target ports are allowed,
 * because NetworkPolicy is matched after the Service's DNAT.
 */
export class InternalWhitelist extends AllowListEntry {
  public readonly peers: readonly InternalPeer[];

  constructor(project: IsolatedProject, name: string, props: InternalWhitelistProps) {
    super(project, name, props);
    this.peers = Array.isArray(props?.peers) ? props.peers.filter(isInternalPeer) : [];
    this.peersGiven = props?.peers;
  }

  private readonly peersGiven: unknown;

  protected describePeers(): string {
    return this.peers.map(String).join(', ') || 'no peer';
  }

  protected peerProblems(): string[] {
    const out = peerListProblems('peers', this.peersGiven);
    if (Array.isArray(this.peersGiven) && this.peersGiven.length === 0) {
      out.push('peers is empty, which in a NetworkPolicy would mean everyone; list at least one InternalPeer (use ExternalWhitelist with IpBlock.anyIpv4() to open to everyone on purpose)');
    }
    for (const peer of this.peers) out.push(...peer.problems(this.project.cluster));
    if (this.direction === 'egress' && this.ports.length > 0 && this.peers.some((p) => p.isService)) {
      out.push('ports cannot be combined with a Service peer for egress: the Service\'s target ports are used; move the Service to its own entry or drop ports');
    }
    return out;
  }

  protected rules(): RuleSpec[] {
    const resolved = this.peers.map((p) => p.resolve(this.project.cluster));
    const rules: RuleSpec[] = [];
    // Egress to a Service reaches only its target ports, so each Service gets a rule of its own.
    const services = this.direction === 'egress' ? resolved.filter((r) => r.service) : [];
    for (const r of services) rules.push(this.rule([r.peer], targetPorts(r.service!)));
    const others = resolved.filter((r) => !services.includes(r));
    if (others.length) rules.push(this.rule(others.map((r) => r.peer)));
    return rules;
  }
}
