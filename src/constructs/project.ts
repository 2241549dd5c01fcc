import { Chart } from 'cdk8s';
import { IsolationMode, Manifest, PolicySpec } from '../render/model';
import { ISOLATION_POLICY_NAME, renderProject } from '../render/project';
import { policyKey } from '../render/policy';
import { dnsLabelProblems, Labels, labelProblems } from '../k8s/names';
import { booleanProblems, show } from '../values/checks';
import { reservedLabelReason, reservedNamespaceReason } from '../values/reserved';
import { Cluster } from './cluster';
import { declareName, isProjectPart, ProjectPart, uniqueId } from './part';
import { isWorkspace, Workspace } from './workspace';
import type { IProjectPeer } from '../values/internal-peer';
import type { IServicePeer } from '../values/service';
import { addWarning } from '../warnings';

/** Props of an {@link IsolatedProject}. */
export interface IsolatedProjectProps {
  /** Workspace the project belongs to (sets the `kubesphere.io/workspace` namespace label). */
  readonly workspace?: Workspace;
  /**
   * `project`: ingress only from this project and the allowed namespaces; allow-list entries
   * are possible. `workspace`: ingress from every project of the workspace (needs a workspace
   * with `networkIsolation: true`); no entries, as in KubeSphere. `none`: no isolation policy.
   * @default 'workspace' when the workspace has network isolation on, otherwise 'project'
   */
  readonly isolation?: IsolationMode;
  /**
   * Emit the Namespace object. Turn off when namespaces are created elsewhere; they must then
   * carry the labels the selectors use (see README).
   * @default true
   */
  readonly manageNamespace?: boolean;
  /** Extra labels for the Namespace object. */
  readonly namespaceLabels?: Labels;
  /**
   * Once an egress allow-list entry locks egress down, still allow the project's pods to
   * connect to each other. KubeSphere does not; set `false` to match it exactly.
   * @default true
   */
  readonly egressWithinProject?: boolean;
}

/**
 * One project (namespace) of a cluster with KubeSphere-style network isolation: its pods accept
 * ingress only from the same project (or workspace) and the cluster's allowed namespaces; egress
 * stays open until the first egress allow-list entry.
 */
export class IsolatedProject extends Chart implements IProjectPeer {
  /** The project (and namespace) name. */
  public readonly name: string;
  public readonly cluster: Cluster;
  public readonly workspace?: Workspace;
  /** Definition file the project was declared in, when loaded from `projects/`. */
  public readonly definedIn?: string;
  /** @internal marker used instead of instanceof */
  public readonly isIsolatedProject = true;
  private readonly props: IsolatedProjectProps;

  constructor(cluster: Cluster, name: string, props: IsolatedProjectProps = {}) {
    super(cluster, uniqueId(cluster, name), { disableResourceNameHashes: true });
    this.name = name;
    this.cluster = cluster;
    this.props = props ?? {};
    this.workspace = isWorkspace(this.props.workspace) ? this.props.workspace : undefined;
    this.definedIn = cluster.currentSource;
    cluster.registerProject(this);
    const sameName = declareName(cluster, 'project', name, this);
    this.node.addValidation({ validate: () => this.problems(sameName) });
  }

  /** Effective isolation mode, after applying the workspace default. */
  public get isolation(): IsolationMode {
    return this.props.isolation ?? (this.workspace?.networkIsolation ? 'workspace' : 'project');
  }

  /** The Service of this name declared in the project (a `ProjectService` or an exposure's), if any. */
  public findService(name: string): IServicePeer | undefined {
    return this.parts.find((p) => p.name === name && 'describeService' in p) as unknown as IServicePeer | undefined;
  }

  /** Allow-list entries, Services and exposures of this project, in declaration order. */
  public get parts(): ProjectPart[] {
    return this.node.children.filter(isProjectPart);
  }

  /** Renders the project's manifests. Assumes a valid tree (see {@link Cluster.problems}). */
  public render(): Manifest[] {
    return renderProject(this.cluster.settings, {
      name: this.name,
      workspace: this.workspace?.name,
      isolation: this.isolation,
      manageNamespace: this.props.manageNamespace ?? true,
      namespaceLabels: this.props.namespaceLabels,
      egressWithinProject: this.props.egressWithinProject ?? true,
      policies: this.mergeDuplicatePolicies(),
      manifests: this.parts.flatMap((p) => p.manifests()),
    });
  }

  /** Drops entries whose rules equal an earlier entry's, so one allow-list is never emitted twice. */
  private mergeDuplicatePolicies(): PolicySpec[] {
    const seen = new Map<string, string>();
    const out: PolicySpec[] = [];
    for (const part of this.parts) {
      for (const policy of part.policies()) {
        const key = policyKey(policy);
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, policy.name);
          out.push(policy);
        } else {
          addWarning(part, `${policy.name} allows exactly what ${first} allows; it is merged into ${first} and not emitted`);
        }
      }
    }
    return out;
  }

  private problems(sameName: readonly IsolatedProject[]): string[] {
    const props = this.props;
    const out = [...dnsLabelProblems('project name', this.name), ...this.reservedNameProblems()];
    if (sameName[0] !== this) out.push(repeatProblem(this, sameName[0]));
    if (props.workspace !== undefined && !this.workspace) {
      out.push(`workspace must be a Workspace construct, e.g. new Workspace(cluster, ${typeof props.workspace === 'string' ? JSON.stringify(props.workspace) : '"team"'}); got ${show(props.workspace)}`);
    }
    out.push(...booleanProblems('manageNamespace', props.manageNamespace), ...booleanProblems('egressWithinProject', props.egressWithinProject));
    out.push(...labelProblems('namespaceLabels', props.namespaceLabels));
    if (typeof props.namespaceLabels === 'object' && props.namespaceLabels !== null) {
      for (const key of Object.keys(props.namespaceLabels)) {
        const reason = reservedLabelReason(key, this.cluster.settings.namespaceLabel);
        if (reason) out.push(`namespaceLabels sets ${JSON.stringify(key)}, ${reason}`);
      }
    }
    const mode = this.props.isolation;
    if (mode !== undefined && !['project', 'workspace', 'none'].includes(mode)) {
      out.push(`isolation ${JSON.stringify(mode)} is not a mode; use 'project', 'workspace' or 'none'`);
    }
    if (mode === 'workspace' && !this.workspace?.networkIsolation) {
      out.push(this.workspace
        ? `isolation 'workspace' needs workspace ${this.workspace.name} to have networkIsolation: true; turn it on or use isolation 'project'`
        : `isolation 'workspace' needs a workspace; set the workspace prop or use isolation 'project'`);
    }
    if (this.workspace && this.workspace.node.root !== this.cluster) {
      out.push(`workspace ${this.workspace.name} belongs to another cluster; use a workspace of cluster ${this.cluster.name}`);
    }
    const seen = new Set<string>([`NetworkPolicy/${ISOLATION_POLICY_NAME}`]);
    // Parts whose name is taken twice are reported by the part itself.
    for (const part of this.parts.filter((p) => !p.repeatsName)) {
      for (const name of part.objectNames()) {
        if (seen.has(name)) out.push(`${part.name} emits ${name}, which another part of project ${this.name} already emits; rename one of them`);
        seen.add(name);
      }
    }
    return out;
  }

  private reservedNameProblems(): string[] {
    if (typeof this.name !== 'string') return [];
    const s = this.cluster.settings;
    const reason = reservedNamespaceReason(this.name, {
      dnsNamespace: s.dns.namespace, allowedIngressNamespaces: s.allowedIngressNamespaces, ingressControllerNamespace: s.ingressController?.namespace,
    });
    return reason ? [`project name "${this.name}" is reserved: ${reason}; choose another name: netiso isolates tenant projects, never the namespaces the cluster itself depends on`] : [];
  }
}

/** The problem of a project whose name an earlier project took: where both were declared. */
function repeatProblem(project: IsolatedProject, first: IsolatedProject): string {
  const unique = `project names must be unique in cluster ${project.cluster.name}: rename one, or declare it once`;
  if (first.definedIn && project.definedIn && first.definedIn !== project.definedIn) {
    return `project ${project.name} is declared in ${first.definedIn} and ${project.definedIn}; ${unique}`;
  }
  return `project name "${project.name}" is used twice${project.definedIn ? ` in ${project.definedIn}` : ''}; ${unique}`;
}
