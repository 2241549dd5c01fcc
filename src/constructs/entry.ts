import { PeerSpec, PolicySpec, RuleSpec } from '../render/model';
import { Direction } from '../values/direction';
import { derivedNameProblems, Labels, labelProblems } from '../k8s/names';
import { Port, portListProblems, portsOf } from '../values/port';
import { ProjectPart } from './part';
import { IsolatedProject } from './project';

/** Props shared by allow-list entries. */
export interface AllowListEntryProps {
  /** `ingress`: peers may connect to the project's pods; `egress`: the project's pods may connect to peers. */
  readonly direction: Direction;
  /** Ports the entry allows. @default every port */
  readonly ports?: readonly Port[];
  /**
   * Narrows the entry to the project's pods with these labels (e.g. `{ role: 'db' }`).
   * @default every pod of the project, as in KubeSphere
   */
  readonly podSelector?: Labels;
}

/**
 * Base of {@link InternalWhitelist} and {@link ExternalWhitelist}: one NetworkPolicy named
 * `netiso-<name>` that allows one direction of traffic for (some of) the project's pods.
 */
export abstract class AllowListEntry extends ProjectPart {
  public readonly direction: Direction;
  public readonly ports: readonly Port[];
  public readonly podSelector: Labels;

  constructor(project: IsolatedProject, name: string, props: AllowListEntryProps) {
    super(project, name, 'allow-list entry');
    this.direction = props?.direction;
    this.ports = portsOf(props?.ports);
    this.podSelector = props?.podSelector ?? {};
    this.node.addValidation({ validate: () => this.entryProblems(props ?? {}) });
  }

  /** Name of the NetworkPolicy this entry emits. */
  public get policyName(): string { return `netiso-${this.name}`; }

  public objectNames(): string[] { return [`NetworkPolicy/${this.policyName}`]; }

  protected nameProblems(what: string): string[] {
    return derivedNameProblems(`${what} name`, this.name, 'netiso-', 'NetworkPolicy');
  }

  public policies(): PolicySpec[] {
    const rules = this.rules();
    return [{
      name: this.policyName,
      podSelector: this.podSelector,
      ingress: this.direction === 'ingress' ? rules : undefined,
      egress: this.direction === 'egress' ? rules : undefined,
    }];
  }

  /** The entry's rules, resolved against the cluster. Valid tree assumed. */
  protected abstract rules(): RuleSpec[];

  /** Problems with the entry's peers. */
  protected abstract peerProblems(): string[];

  /** Short description of the peers for messages, e.g. `project demo-project-2`. */
  protected abstract describePeers(): string;

  /** A rule from the entry's ports to `peers`. */
  protected rule(peers: readonly PeerSpec[], ports: readonly Port[] = this.ports): RuleSpec {
    return { peers, ports };
  }

  private entryProblems(props: Partial<AllowListEntryProps>): string[] {
    const out: string[] = [];
    if (props.direction !== 'ingress' && props.direction !== 'egress') {
      out.push(`direction ${JSON.stringify(props.direction)} is not a direction; use 'ingress' or 'egress'`);
    }
    const mode = this.project.isolation;
    if (mode !== 'project') {
      out.push(mode === 'none'
        ? `project ${this.project.name} is not isolated (isolation: 'none'), so the allow-list entry for ${this.describePeers()} has nothing to open; set isolation: 'project' or remove the entry`
        : `project ${this.project.name} uses workspace isolation, where KubeSphere keeps no allow-list entries; set isolation: 'project' on it to use the entry for ${this.describePeers()}`);
    }
    out.push(...labelProblems('podSelector', props.podSelector));
    out.push(...portListProblems('ports', props.ports));
    out.push(...this.peerProblems());
    return out;
  }
}
