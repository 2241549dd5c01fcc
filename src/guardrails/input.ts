import { IsolationMode, ClusterSettings, Manifest } from '../render/model';
import { Direction } from '../values/direction';
import { IpBlock } from '../values/ip-block';
import { Port } from '../values/port';
import { GuardrailApi } from './model';
import { PriorityRange } from './priorities';

/** The cluster's guardrail settings, resolved. */
export interface GuardrailOptions {
  readonly api: GuardrailApi;
  readonly protectedNamespaces: readonly string[];
  readonly defaultDenyUnmanaged: boolean;
  readonly priorityRange: PriorityRange;
}

/** One project as the guardrails see it. */
export interface ProjectGuardInput {
  readonly name: string;
  readonly workspace?: string;
  readonly isolation: IsolationMode;
  /** The NetworkPolicies netiso renders for the project. */
  readonly networkPolicies: readonly Manifest[];
}

/** Which projects a deny list applies to. */
export type DenyScope = { readonly kind: 'cluster' } | { readonly kind: 'workspace' | 'project'; readonly name: string };

/** One `DenyList`, resolved. Namespace and workspace targets are denied both ways, CIDRs for egress. */
export interface DenyListInput {
  /** Construct path, for problems. */
  readonly path: string;
  /** The construct's id. */
  readonly id: string;
  readonly scope: DenyScope;
  readonly cidrs: readonly string[];
  /** Namespaces by name (projects and namespaces netiso does not manage). */
  readonly namespaces: readonly string[];
  readonly workspaces: readonly string[];
  /** Empty: every port. */
  readonly ports: readonly Port[];
}

/** Everything the guardrails of one cluster are derived from. */
export interface GuardrailInput {
  readonly settings: ClusterSettings;
  readonly options: GuardrailOptions;
  readonly projects: readonly ProjectGuardInput[];
  readonly denyLists: readonly DenyListInput[];
  readonly entries: readonly EntryInput[];
}

/** One allow-list entry as the deny-list check sees it. */
export interface EntryInput {
  /** Construct path, for problems. */
  readonly path: string;
  readonly project: string;
  readonly direction: Direction;
  readonly peers: readonly ({ readonly kind: 'namespace'; readonly namespace: string; readonly label: string } | { readonly kind: 'cidr'; readonly block: IpBlock })[];
  /** Empty: every port. */
  readonly ports: readonly Port[];
}

/** A problem or warning located by construct path (`''`: the cluster). */
export interface DenyFinding {
  readonly path: string;
  readonly message: string;
}

/**
 * Projects a deny list applies to: its project, the projects of its workspace, or (on the
 * cluster) every project except those it denies, which would otherwise deny themselves.
 */
export function denySubject(d: DenyListInput, projects: readonly ProjectGuardInput[]): string[] {
  switch (d.scope.kind) {
    case 'project': return [d.scope.name];
    case 'workspace': { const w = d.scope.name; return projects.filter((p) => p.workspace === w).map((p) => p.name); }
    case 'cluster': return projects.filter((p) => !d.namespaces.includes(p.name) && !(p.workspace && d.workspaces.includes(p.workspace))).map((p) => p.name);
  }
}

