import { compare } from '../k8s/compare';
import { k8s } from 'cdk8s-plus-27';
import { manifestOf } from './manifest';
import { Labels } from '../k8s/names';
import { IpBlock } from '../values/ip-block';
import {
  ClusterSettings, IsolationMode, KUBESPHERE_NAMESPACE_LABEL, Manifest, MANAGED_BY, PeerSpec, PolicySpec, RuleSpec, WORKSPACE_LABEL,
} from './model';
import { compileForDataplane } from '../cni/compile';
import { renderCiliumPolicy } from './cilium';
import { renderPolicy } from './policy';

/** Name of the policy that isolates a project; fixed so switching modes changes the spec, not the name. */
export const ISOLATION_POLICY_NAME = 'netiso-isolation';

/** Everything needed to render one project, resolved and validated. */
export interface ProjectInput {
  readonly name: string;
  readonly workspace?: string;
  readonly isolation: IsolationMode;
  /** Emit the Namespace object (false when namespaces are managed elsewhere). */
  readonly manageNamespace: boolean;
  /** Extra labels for the Namespace object. */
  readonly namespaceLabels?: Labels;
  /** Re-allow egress to the own project once egress is locked down (KubeSphere does not). */
  readonly egressWithinProject: boolean;
  /** Allow-list policies of the project. */
  readonly policies: readonly PolicySpec[];
  /** Other manifests the project owns (Services, Ingresses), already rendered. */
  readonly manifests?: readonly Manifest[];
}

/**
 * The isolation policy: all pods accept ingress only from the own project (or workspace) and the
 * cluster's allowed namespaces. Once any allow-list entry restricts egress, all pods are
 * egress-isolated too, and DNS (plus, by default, the own project) is re-allowed.
 */
export function isolationPolicy(cluster: ClusterSettings, project: ProjectInput): PolicySpec | undefined {
  if (project.isolation === 'none') return undefined;
  const self: PeerSpec = project.isolation === 'workspace'
    ? { kind: 'workspace', workspace: project.workspace! }
    : { kind: 'namespace', namespace: project.name };
  const allowed: PeerSpec[] = cluster.allowedIngressNamespaces.map((namespace) => ({ kind: 'namespace', namespace }));
  const snat: PeerSpec[] = cluster.snatNodeIps.map((ip) => ({ kind: 'ip-block', block: hostBlock(ip) }));
  const egressLocked = project.policies.some((p) => p.egress !== undefined);
  return {
    name: ISOLATION_POLICY_NAME,
    podSelector: {},
    ingress: [{ peers: [self, ...allowed], ports: [] }, ...(snat.length ? [{ peers: snat, ports: [] }] : [])],
    egress: egressLocked ? dnsAndOwnProjectEgress(cluster, project) : undefined,
  };
}

function dnsAndOwnProjectEgress(cluster: ClusterSettings, project: ProjectInput): RuleSpec[] {
  const rules: RuleSpec[] = [];
  if (project.egressWithinProject) rules.push({ peers: [{ kind: 'own-namespace' }], ports: [] });
  const dns = cluster.dns;
  rules.push({ peers: [{ kind: 'namespace', namespace: dns.namespace, podSelector: dns.podLabels }], ports: dns.ports });
  if (dns.nodeLocalIp) rules.push({ peers: [{ kind: 'named', peer: 'node-local-dns' }], ports: dns.nodeLocalPorts });
  return rules;
}

/** The block of one address: `/32`, or `/128` for IPv6. */
function hostBlock(ip: string): IpBlock {
  return IpBlock.of(`${ip}/${ip.includes(':') ? 128 : 32}`);
}

/** Namespace object for a project, carrying the labels that selectors rely on. */
export function renderNamespace(cluster: ClusterSettings, project: ProjectInput): Manifest {
  const labels: Record<string, string> = {
    ...project.namespaceLabels,
    [KUBESPHERE_NAMESPACE_LABEL]: project.name,
    ...MANAGED_BY,
  };
  // Kubernetes sets kubernetes.io/metadata.name itself; any other identity label must be ours to set.
  if (cluster.namespaceLabel !== 'kubernetes.io/metadata.name') labels[cluster.namespaceLabel] = project.name;
  if (project.workspace) labels[WORKSPACE_LABEL] = project.workspace;
  return manifestOf<k8s.KubeNamespaceProps>(k8s.KubeNamespace.GVK, { metadata: { name: project.name, labels } }) as Manifest;
}

/**
 * Every manifest of a project: Namespace first, then the rest ordered by kind and name. Policies
 * are compiled for the cluster's CNI first: named peers become CIDRs or, where the CNI's ipBlocks
 * cannot match them, CiliumNetworkPolicy entities.
 */
export function renderProject(cluster: ClusterSettings, project: ProjectInput): Manifest[] {
  const isolation = isolationPolicy(cluster, project);
  const policies = isolation ? [isolation, ...project.policies] : [...project.policies];
  const rest = [
    ...policies.flatMap((p) => {
      const { networkPolicy, entityPolicy } = compileForDataplane(cluster, p);
      return [
        ...(networkPolicy ? [renderPolicy(cluster, project.name, networkPolicy)] : []),
        ...(entityPolicy ? [renderCiliumPolicy(project.name, entityPolicy)] : []),
      ];
    }),
    ...(project.manifests ?? []),
  ].sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name));
  return project.manageNamespace ? [renderNamespace(cluster, project), ...rest] : rest;
}
