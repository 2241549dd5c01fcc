import { parse } from 'yaml';
import type { ExpectedProject } from './expected';

type Selector = { matchLabels?: Record<string, string> } | undefined;
interface Peer { namespaceSelector?: Selector; podSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } }
interface PolicyPort { protocol?: string; port?: number | string; endPort?: number }
interface Rule { from?: Peer[]; to?: Peer[]; ports?: PolicyPort[] }

/**
 * The allowed traffic of each project of `cluster` in a rendered tree, as the atoms of
 * `expected.ts`: every rule is split into peer × port, and the union is taken over all policies,
 * which is exactly how NetworkPolicies combine. Only whole-project policies (`podSelector: {}`)
 * can be compared this way, and the import emits nothing else; anything else throws.
 */
export function allowedTraffic(files: ReadonlyMap<string, string>, cluster: string): Record<string, ExpectedProject> {
  const out: Record<string, { ingress?: Set<string>; egress?: Set<string> }> = {};
  for (const [rel, text] of files) {
    const [c, project, file] = rel.split('/');
    if (c !== cluster || !file) continue;
    out[project] ??= {};
    if (!file.startsWith('NetworkPolicy.')) continue;
    const policy = parse(text);
    if (Object.keys(policy.spec.podSelector ?? {}).length) throw new Error(`${rel} selects some pods only`);
    for (const type of policy.spec.policyTypes as string[]) {
      const dir = type === 'Ingress' ? 'ingress' : 'egress';
      const atoms = (out[project][dir] ??= new Set());
      for (const rule of (policy.spec[dir] ?? []) as Rule[]) {
        for (const peer of (dir === 'ingress' ? rule.from : rule.to) ?? []) {
          for (const port of rule.ports?.length ? rule.ports : [undefined]) atoms.add(`${peerAtom(peer, project)} @ ${portAtom(port)}`);
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([p, d]) => [p, {
    ...(d.ingress ? { ingress: [...d.ingress].sort() } : {}),
    ...(d.egress ? { egress: [...d.egress].sort() } : {}),
  }]));
}

/** The expected table with its atom lists sorted, for comparison with {@link allowedTraffic}. */
export function sortedExpectation(projects: Readonly<Record<string, ExpectedProject>>): Record<string, ExpectedProject> {
  return Object.fromEntries(Object.entries(projects).map(([p, d]) => [p, {
    ...(d.ingress ? { ingress: [...new Set(d.ingress)].sort() } : {}),
    ...(d.egress ? { egress: [...new Set(d.egress)].sort() } : {}),
  }]));
}

function peerAtom(peer: Peer, ownNamespace: string): string {
  if (peer.ipBlock) return `cidr:${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except:${peer.ipBlock.except.join(',')}` : ''}`;
  const pods = labels(peer.podSelector);
  const podPart = pods ? ` pods:${pods}` : '';
  if (!peer.namespaceSelector) return `ns:${ownNamespace}${podPart}`;
  const ns = peer.namespaceSelector.matchLabels ?? {};
  const keys = Object.keys(ns);
  if (keys.length === 1 && keys[0] === 'kubesphere.io/namespace') return `ns:${ns[keys[0]]}${podPart}`;
  if (keys.length === 1 && keys[0] === 'kubesphere.io/workspace' && !pods) return `ws:${ns[keys[0]]}`;
  throw new Error(`unexpected peer ${JSON.stringify(peer)}`);
}

function portAtom(port: PolicyPort | undefined): string {
  if (!port) return '*';
  return `${port.protocol ?? 'TCP'}/${port.port ?? '*'}${port.endPort !== undefined ? `-${port.endPort}` : ''}`;
}

function labels(selector: Selector): string {
  return Object.entries(selector?.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
}
