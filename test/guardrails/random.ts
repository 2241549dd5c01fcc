import {
  Cluster, DenyList, Direction, ExposedService, ExternalWhitelist, GuardrailApi, InternalPeer, InternalWhitelist, IsolatedProject, Port, Workload, Workspace,
} from '../../src';
import { Labels } from '../../src/k8s/names';
import { random } from '../rng';

const LABELS: readonly Labels[] = [{ app: 'web' }, { app: 'api' }, { app: 'db', tier: 'data' }, { role: 'worker' }];
const PORTS = [Port.tcp(8080), Port.tcp(5432), Port.tcpRange(9000, 9100), Port.udp(5353), Port.tcp('http'), Port.allTcp()];

/**
 * A valid random cluster with guardrails: workspaces in both isolation modes, projects with
 * internal and external allow-list entries (narrowed to some pods or not, on numeric, ranged,
 * named and all ports), an exposure, deny lists, and workloads to probe.
 */
export function randomCluster(seed: number, api: GuardrailApi): Cluster {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const cluster = new Cluster(`random-${seed}`, {
    allowedIngressNamespaces: rnd() < 0.5 ? ['monitoring'] : [],
    namespaceLabel: rnd() < 0.3 ? 'kubesphere.io/namespace' : undefined,
    ingressController: { namespace: 'ingress-nginx', podLabels: { app: 'ingress' } },
    guardrails: { api, defaultDenyUnmanaged: rnd() < 0.5 },
  });
  const workspaces = [new Workspace(cluster, 'ws-a', { networkIsolation: true }), new Workspace(cluster, 'ws-b', { networkIsolation: rnd() < 0.5 })];
  const projects: IsolatedProject[] = [];
  const count = 3 + Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) {
    const workspace = rnd() < 0.7 ? pick(workspaces) : undefined;
    const isolation = workspace?.networkIsolation && rnd() < 0.5 ? 'workspace' : rnd() < 0.1 ? 'none' : 'project';
    const p = new IsolatedProject(cluster, `p${i}`, { workspace, isolation });
    projects.push(p);
    for (const [j, labels] of LABELS.filter(() => rnd() < 0.6).entries()) {
      new Workload(p, `w${j}`, { labels, ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 5432 }, { containerPort: 5353, protocol: 'UDP' }] });
    }
  }
  for (const p of projects.filter((x) => x.isolation === 'project')) {
    for (let e = 0; e < 3; e++) {
      const direction = rnd() < 0.5 ? Direction.INGRESS : Direction.EGRESS;
      const podSelector = rnd() < 0.4 ? pick(LABELS) : undefined;
      const ports = rnd() < 0.3 ? [] : [pick(PORTS)];
      if (rnd() < 0.75) {
        const other = pick(projects.filter((x) => x !== p));
        const peer = rnd() < 0.2
          ? InternalPeer.namespace(pick(['kube-system', 'monitoring', 'other']), { podSelector: pick(LABELS) })
          : InternalPeer.project(other.name, rnd() < 0.4 ? { podSelector: pick(LABELS) } : {});
        new InternalWhitelist(p, `entry-${e}`, { direction, podSelector, peers: [peer], ports });
      } else {
        new ExternalWhitelist(p, `entry-${e}`, { direction, podSelector, cidrs: [pick(['10.20.0.0/16', '203.0.113.0/24', '0.0.0.0/0'])], ports });
      }
    }
  }
  const exposed = projects.find((p) => p.isolation !== 'none');
  if (exposed && rnd() < 0.5) {
    new ExposedService(exposed, 'front', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], mode: 'Ingress', ingress: { rules: [{ host: 'front.example.com' }] } });
  }
  if (rnd() < 0.7) new DenyList(cluster, 'metadata', { cidrs: ['169.254.169.254/32'], ports: rnd() < 0.5 ? [Port.tcp(80)] : undefined });
  const [a, b] = [pick(projects), pick(projects)];
  if (a !== b && a.workspace?.name !== b.workspace?.name && rnd() < 0.5) new DenyList(a, 'no-peer', { projects: [b.name] });
  for (const [name, ns, labels] of [['dns', 'kube-system', { 'k8s-app': 'kube-dns' }], ['metrics', 'kube-system', { app: 'web' }], ['prom', 'monitoring', { app: 'api' }], ['other', 'other', { app: 'web' }], ['ingress', 'ingress-nginx', { app: 'ingress' }]] as const) {
    new Workload(cluster, name, { namespace: ns, labels, ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] });
  }
  return cluster;
}

/**
 * Valid random clusters: a definition whose allow-list entries the deny lists or the baseline
 * make useless is an error by design, so those seeds are skipped (and counted by the caller).
 */
export function validRandomClusters(seeds: readonly number[], api: GuardrailApi): Cluster[] {
  return seeds.map((s) => randomCluster(s, api)).filter((c) => c.problems().length === 0);
}
