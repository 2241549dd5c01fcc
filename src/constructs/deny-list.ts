import { Construct, IConstruct } from 'constructs';
import { dnsLabelProblems } from '../k8s/names';
import { IpBlock, ipBlocks } from '../values/ip-block';
import { Port } from '../values/port';
import type { Cluster } from './cluster';
import { uniqueId } from './part';
import type { IsolatedProject } from './project';
import type { Workspace } from './workspace';

/** Props of a {@link DenyList}. Give at least one target. */
export interface DenyListProps {
  /** Addresses the pods may never connect to, e.g. cloud metadata `169.254.169.254/32` (egress only). */
  readonly cidrs?: ReadonlyArray<string | IpBlock>;
  /** Projects of this cluster the pods may never exchange traffic with, either way. */
  readonly projects?: ReadonlyArray<string | IsolatedProject>;
  /** Namespaces netiso does not manage, by name, likewise in both directions. */
  readonly namespaces?: readonly string[];
  /** Workspaces whose projects the pods may never exchange traffic with (by the `kubesphere.io/workspace` namespace label). */
  readonly workspaces?: ReadonlyArray<string | Workspace>;
  /** Ports the deny applies to: numbers or ranges (named ports depend on the pods and cannot be denied reliably). @default every port */
  readonly ports?: readonly Port[];
}

/**
 * What must never be allowed, whatever any NetworkPolicy says: connections between the pods of
 * its scope (a project, the projects of a workspace, or on a cluster every project it does not
 * name) and the listed addresses, projects, namespaces or workspaces. Rendered as Deny rules of
 * the cluster's guardrails, evaluated before anything a tenant can write, so it needs
 * `guardrails` on the cluster. An allow-list entry it makes useless is an error naming both.
 */
export class DenyList extends Construct {
  /** The deny list's name, unique in its scope. */
  public readonly name: string;
  /** @internal marker used instead of instanceof */
  public readonly isDenyList = true;
  public readonly cidrs: readonly IpBlock[];
  public readonly ports: readonly Port[];

  constructor(scope: Cluster | Workspace | IsolatedProject, name: string, private readonly props: DenyListProps) {
    // Prefixed id: a project's entries and a cluster's projects share the scope's children.
    super(scope, uniqueId(scope, `DenyList:${name}`));
    this.name = name;
    this.cidrs = ipBlocks(props.cidrs);
    this.ports = props.ports ?? [];
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Where it applies: the cluster, a workspace or a project. */
  public get scope(): { readonly kind: 'cluster' } | { readonly kind: 'workspace' | 'project'; readonly name: string } {
    const parent = this.node.scope as IConstruct & { readonly name?: string; readonly isIsolatedProject?: boolean };
    if (parent.isIsolatedProject) return { kind: 'project', name: parent.name! };
    if (parent.node.scope) return { kind: 'workspace', name: parent.name! };
    return { kind: 'cluster' };
  }

  /** Names of the projects denied. */
  public get projects(): string[] { return (this.props.projects ?? []).map((p) => (typeof p === 'string' ? p : p.name)); }

  /** Names of the workspaces denied. */
  public get workspaces(): string[] { return (this.props.workspaces ?? []).map((w) => (typeof w === 'string' ? w : w.name)); }

  /** Namespaces netiso does not manage that are denied. */
  public get namespaces(): readonly string[] { return this.props.namespaces ?? []; }

  private problems(): string[] {
    const out = dnsLabelProblems('deny list name', this.name);
    if (this.node.id !== `DenyList:${this.name}`) out.push(`deny list name "${this.name}" is used twice in the same scope; give each deny list its own name`);
    const cluster = this.node.root as Cluster;
    if (!cluster.clusterProps.guardrails) {
      out.push(`a DenyList needs guardrails, because NetworkPolicy cannot deny; set guardrails: { api: 'ClusterNetworkPolicy' } (or 'AdminNetworkPolicy', 'calico', 'cilium') on cluster ${cluster.name}`);
    }
    if (!this.cidrs.length && !this.projects.length && !this.namespaces.length && !this.workspaces.length) {
      out.push('the deny list names nothing; give cidrs, projects, namespaces or workspaces');
    }
    for (const b of this.cidrs) {
      out.push(...b.problems);
      if (b.except.length) out.push(`CIDR ${b} has except blocks, which a deny cannot express in every guardrail API; list only the CIDRs to deny`);
    }
    for (const p of this.ports) {
      out.push(...p.problems);
      if (typeof p.port === 'string') out.push(`${p} is a named port, which depends on each pod's containers; deny port numbers or ranges`);
    }
    for (const name of this.projects) {
      if (!cluster.findProject(name)) out.push(`project ${name} is not defined in cluster ${cluster.name}; define it, or list a namespace netiso does not manage under namespaces`);
    }
    for (const name of this.namespaces) out.push(...dnsLabelProblems('denied namespace', name));
    for (const name of this.workspaces) {
      if (!cluster.node.tryFindChild(`Workspace:${name}`)) out.push(`workspace ${name} is not defined in cluster ${cluster.name}; define it with new Workspace(cluster, ${JSON.stringify(name)})`);
    }
    const scope = this.scope;
    if (scope.kind === 'project') {
      const self = cluster.findProject(scope.name);
      if (this.projects.includes(scope.name)) out.push(`the deny list of project ${scope.name} denies the project itself; remove it from projects`);
      if (self?.workspace && this.workspaces.includes(self.workspace.name)) out.push(`the deny list of project ${scope.name} denies its own workspace ${self.workspace.name}; list the other projects instead`);
    } else if (scope.kind === 'workspace') {
      if (this.workspaces.includes(scope.name)) out.push(`the deny list of workspace ${scope.name} denies the workspace itself; remove it from workspaces`);
      for (const name of this.projects) {
        if (cluster.findProject(name)?.workspace?.name === scope.name) out.push(`the deny list of workspace ${scope.name} denies its own project ${name}; remove it from projects`);
      }
    }
    return out;
  }
}

