/**
 * Synthetic explorer data of the size the issue names (1,000 projects × 5 workloads), shaped like
 * `bench/analysis.ts`'s cluster: 20 workspaces; each project isolated (own namespace and monitoring
 * in, egress to its own namespace, DNS, the web pods of two projects of its workspace, and HTTPS
 * out); web pods also admit their workspace. The verdicts follow those policies; the API port
 * varies by project, so answers differ between destinations as they do in real clusters.
 */
import {
  ClusterBuilder, EXPLORER_SCHEMA, ExplorerData, ExplorerGroup, FlowAnswer, RuleRef, SideAnswer, side,
} from '../src/explorer/model';
import { orderGroups } from '../src/explorer/produce';

interface Pod {
  readonly ns: string;
  readonly index: number;
  readonly workspace?: string;
  readonly app: string;
  readonly ports: readonly string[];
  /** Projects' pods are isolated; system and external endpoints are not. */
  readonly kind: 'project' | 'monitoring' | 'dns' | 'external';
}

const APPS = ['web', 'api', 'worker', 'db', 'cache'];
const ISOLATE = 'nsnp-network-isolate';
const WEB = 'nsnp-web-from-workspace';
const EXTERNALS = ['203.0.113.0/24', '198.51.100.0/24', 'internet'];

const nsName = (i: number): string => `proj-${String(i).padStart(5, '0')}`;

function portsOf(app: string, i: number): string[] {
  switch (app) {
    case 'web': return ['TCP 80'];
    case 'api': return [`TCP ${8080 + (i % 7)}`, 'TCP 9090'];
    case 'db': return ['TCP 5432'];
    case 'cache': return ['TCP 6379'];
    default: return [];
  }
}

const allowed = (...rules: RuleRef[]): SideAnswer => ({ verdict: 'allowed', rules, isolatedBy: [] });
const denied = (...isolatedBy: string[]): SideAnswer => ({ verdict: 'denied', rules: [], isolatedBy });

function egress(from: Pod, to: Pod, port: string, n: number): SideAnswer {
  if (from.kind !== 'project') return side(from.kind === 'external' ? 'unrestricted' : 'open');
  if (to.ns === from.ns) return allowed({ policy: ISOLATE, index: 0 });
  if (to.kind === 'dns') return allowed({ policy: ISOLATE, index: 1 });
  if (to.kind === 'project' && to.app === 'web' && [20, 40].some((d) => (from.index + d) % n === to.index)) return allowed({ policy: ISOLATE, index: 2 });
  if (to.kind === 'external' && port === 'TCP 443') return allowed({ policy: ISOLATE, index: 3 });
  return denied(ISOLATE);
}

function ingress(from: Pod, to: Pod): SideAnswer {
  if (to.kind === 'external') return side('unrestricted');
  if (to.kind !== 'project') return side('open');
  if (from.ns === to.ns || from.kind === 'monitoring') return allowed({ policy: ISOLATE, index: 0 });
  if (to.app === 'web' && from.workspace !== undefined && from.workspace === to.workspace) return allowed({ policy: WEB, index: 0 });
  return to.app === 'web' ? denied(ISOLATE, WEB) : denied(ISOLATE);
}

function flows(from: Pod, to: Pod, n: number): FlowAnswer[] {
  return to.ports.map((port) => {
    const e = egress(from, to, port, n);
    const i = ingress(from, to);
    return { port, allowed: e.verdict !== 'denied' && i.verdict !== 'denied', egress: e, ingress: i };
  });
}

/** Explorer data of `projects` projects of 5 workloads each, plus DNS, monitoring, 3 external addresses. */
export function syntheticExplorerData(projects: number): ExplorerData {
  const builder = new ClusterBuilder('synthetic');
  const groups: { group: ExplorerGroup; pods: Pod[] }[] = [];
  for (let i = 0; i < projects; i++) {
    const ns = nsName(i);
    const workspace = `ws-${String(i % 20).padStart(2, '0')}`;
    const pods = APPS.map((app): Pod => ({ ns, index: i, workspace, app, ports: portsOf(app, i), kind: 'project' }));
    groups.push({ group: { id: ns, kind: 'project', namespace: ns, workspace, isolation: 'project', members: pods.map((p) => ({ name: p.app, ports: p.ports })), details: [] }, pods });
  }
  const system = (ns: string, app: string, ports: string[], kind: Pod['kind']) => {
    const pod: Pod = { ns, index: -1, app, ports, kind };
    groups.push({ group: { id: ns, kind: 'namespace', namespace: ns, members: [{ name: app, ports }], details: [] }, pods: [pod] });
  };
  system('kube-system', 'coredns', ['TCP 53', 'UDP 53'], 'dns');
  system('kubesphere-monitoring-system', 'prometheus', ['TCP 9090'], 'monitoring');
  for (const cidr of EXTERNALS) {
    const pod: Pod = { ns: `external ${cidr}`, index: -1, app: cidr, ports: ['TCP 443'], kind: 'external' };
    groups.push({ group: { id: pod.ns, kind: 'external', members: [{ name: cidr, ports: pod.ports }], details: [] }, pods: [pod] });
  }
  const ordered = orderGroups(groups.map((g) => g.group));
  const podsOf = new Map(groups.map((g) => [g.group.id, g.pods]));
  for (const g of ordered) builder.group(g);
  for (let i = 0; i < projects; i++) {
    for (const p of [ISOLATE, WEB]) {
      builder.policy({
        id: `${nsName(i)}/${p}`,
        target: p === ISOLATE ? `any pod in namespace ${nsName(i)}` : `pods with app=web in namespace ${nsName(i)}`,
        ingress: p === ISOLATE ? [{ text: `rule 0: from any pod in namespace ${nsName(i)} OR any pod in namespace kubesphere-monitoring-system; on all ports` }] : [{ text: `rule 0: from namespaces with kubesphere.io/workspace=ws-${i % 20}; on TCP port named http` }],
        ...(p === ISOLATE ? {
          egress: [
            { text: 'rule 0: to any pod in this namespace; on all ports' },
            { text: 'rule 1: to pods with k8s-app=kube-dns in namespace kube-system; on UDP/53, TCP/53' },
            { text: `rule 2: to pods with app=web in namespaces ${nsName((i + 20) % projects)}, ${nsName((i + 40) % projects)}; on TCP port named http` },
            { text: 'rule 3: to CIDR 0.0.0.0/0 except private ranges; on TCP/443' },
          ],
        } : {}),
        source: { construct: `synthetic/${nsName(i)}/${p}`, file: 'projects/synthetic.ts' },
      });
    }
  }
  // A block depends only on how two groups relate; computing each kind once keeps 1,000 × 1,000 cells fast.
  const blocks = new Map<string, number[][]>();
  for (const a of ordered) {
    const from = podsOf.get(a.id)!;
    for (const b of ordered) {
      if (a.kind === 'external' && b.kind === 'external') continue;
      const to = podsOf.get(b.id)!;
      const f0 = from[0];
      const t0 = to[0];
      const neighbour = [20, 40].filter((d) => f0.index >= 0 && (f0.index + d) % projects === t0.index).join();
      const key = [a.kind, b.kind, f0.kind, t0.kind, f0.ns === t0.ns, f0.workspace === t0.workspace, neighbour, to.map((t) => t.ports.join()).join(';'), a.id === b.id].join('|');
      let pairs = blocks.get(key);
      if (!pairs) {
        pairs = from.map((f, i) => to.map((t, j) => (a.id === b.id && i === j ? -1 : builder.answer({ flows: flows(f, t, projects) }))));
        blocks.set(key, pairs);
      }
      builder.cell(a.id, b.id, pairs);
    }
  }
  builder.note(`Synthetic data: ${projects} projects of ${APPS.length} workloads in 20 workspaces, for the explorer's benchmark.`);
  return {
    schema: EXPLORER_SCHEMA,
    kind: 'explain',
    title: `netiso explain: synthetic cluster of ${projects} projects`,
    subtitle: `${projects} projects × ${APPS.length} workloads`,
    clusters: [builder.build()],
    risks: [],
  };
}
