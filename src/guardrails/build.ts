import type { Cluster } from '../constructs/cluster';
import type { DenyList } from '../constructs/deny-list';
import type { AllowListEntry } from '../constructs/entry';
import type { IsolatedProject } from '../constructs/project';
import { LocatedProblem } from '../errors';
import { Manifest } from '../render/model';
import { IpBlock } from '../values/ip-block';
import type { InternalPeer } from '../values/internal-peer';
import { GUARDRAIL_PROFILES } from './apis';
import { EntryInput, GuardrailInput, GuardrailOptions } from './input';
import { planGuardrails } from './plan';

/** The cluster-scoped output of a cluster's guardrails, with what is wrong with them. */
export interface BuiltGuardrails {
  readonly manifests: readonly Manifest[];
  readonly problems: readonly LocatedProblem[];
  readonly warnings: readonly LocatedProblem[];
}

/**
 * Plans and renders the guardrails of a valid cluster (every construct problem already fixed):
 * reads the projects' rendered NetworkPolicies, the deny lists and the allow-list entries.
 */
export function buildGuardrails(cluster: Cluster, options: GuardrailOptions): BuiltGuardrails {
  const projects = cluster.projects;
  const all = cluster.node.findAll();
  const denyLists = all.filter((c): c is DenyList => (c as { isDenyList?: boolean }).isDenyList === true);
  const entries = projects.flatMap((p) => p.parts.filter(isEntry).map((e) => entryInput(cluster, p, e)));
  const input: GuardrailInput = {
    settings: cluster.settings,
    options,
    projects: projects.map((p) => ({
      name: p.name,
      workspace: p.workspace?.name,
      isolation: p.isolation,
      networkPolicies: p.render().filter((m) => m.kind === 'NetworkPolicy'),
    })),
    denyLists: denyLists.map((d) => ({
      path: pathOf(cluster, d),
      id: d.name,
      scope: d.scope,
      cidrs: d.cidrs.map((b) => b.cidr),
      namespaces: [...d.projects, ...d.namespaces],
      workspaces: d.workspaces,
      ports: d.ports,
    })),
    entries,
  };
  const { plan, problems, warnings } = planGuardrails(input);
  const rendered = GUARDRAIL_PROFILES[options.api].render(plan);
  const locate = (f: { path: string; message: string }): LocatedProblem => ({ path: f.path || cluster.name, message: f.message });
  return {
    manifests: rendered.manifests,
    problems: [...problems.map(locate), ...rendered.problems.map((message) => ({ path: cluster.name, message }))],
    warnings: warnings.map(locate),
  };
}

function pathOf(cluster: Cluster, c: { node: { path: string } }): string {
  return `${cluster.name}/${c.node.path}`;
}

function isEntry(part: unknown): part is AllowListEntry & ({ peers: readonly InternalPeer[] } | { blocks: readonly IpBlock[] }) {
  return typeof (part as { policyName?: unknown }).policyName === 'string' && ('peers' in (part as object) || 'blocks' in (part as object)) && 'direction' in (part as object);
}

function entryInput(cluster: Cluster, project: IsolatedProject, e: AllowListEntry & ({ peers: readonly InternalPeer[] } | { blocks: readonly IpBlock[] })): EntryInput {
  // An ExternalWhitelist has both: its named ExternalPeers are part of its blocks.
  const peers: EntryInput['peers'] = 'blocks' in e
    ? e.blocks.map((block) => ({ kind: 'cidr' as const, block }))
    : e.peers.flatMap((p) => {
      const resolved = p.resolve(cluster).peer;
      // Named peers (nodes, the API server) are not namespaces; guardrails leave them to NetworkPolicy.
      if (resolved.kind === 'named') return [];
      return [{ kind: 'namespace' as const, namespace: resolved.kind === 'namespace' ? resolved.namespace : project.name, label: String(p) }];
    });
  return { path: pathOf(cluster, e), project: project.name, direction: e.direction, peers, ports: e.ports };
}
