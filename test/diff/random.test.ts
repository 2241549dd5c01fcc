import { Engine, Workload } from '../../src/analysis';
import { diffManifests } from '../../src/diff/diff';
import { rng } from '../rng';

/*
 * The diff looks only at classes whose own inputs changed, and groups the others by their default
 * answers (see computeChanges): both shortcuts must lose nothing. Here random clusters are changed
 * a little (one policy rewritten, added or removed, a namespace or a workload relabelled) and the
 * diff's workload pairs are checked against the engine's answer for every pair on both sides.
 */

type R = ReturnType<typeof rng>;
const NS = ['n0', 'n1', 'n2', 'n3', 'n4'];
const APPS = ['web', 'db', 'api'];

interface Cluster {
  namespaces: { name: string; labels: Record<string, string> }[];
  workloads: { namespace: string; name: string; labels: Record<string, string>; ports: { name: string; containerPort: number; protocol?: string }[] }[];
  policies: { name: string; namespace: string; spec: Record<string, unknown> }[];
}

const selector = (r: R): unknown => r.pick([
  {},
  { matchLabels: { app: r.pick(APPS) } },
  { matchExpressions: [{ key: 'tier', operator: r.pick(['Exists', 'DoesNotExist']) }] },
  { matchExpressions: [{ key: 'app', operator: r.pick(['In', 'NotIn']), values: [r.pick(APPS)] }] },
]);
const nsSelector = (r: R): unknown => r.pick([
  () => ({}),
  () => ({ matchLabels: { team: r.pick(['a', 'b']) } }),
  () => ({ matchLabels: { 'kubernetes.io/metadata.name': r.pick(NS) } }),
  () => ({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }),
])();
const peer = (r: R): unknown => r.pick([
  () => ({ podSelector: selector(r) }),
  () => ({ namespaceSelector: nsSelector(r) }),
  () => ({ podSelector: selector(r), namespaceSelector: nsSelector(r) }),
  () => ({ ipBlock: { cidr: r.pick(['10.0.0.0/8', '0.0.0.0/0', 'fd00::/64']) } }),
])();
const ports = (r: R): unknown => r.pick([undefined, [{ port: 80 }], [{ port: 'http' }], [{ port: 53, protocol: 'UDP' }], [{ protocol: 'SCTP' }], [{ port: 50, endPort: 8080 }]]);
const rules = (r: R, key: string): unknown[] => Array.from({ length: r.int(3) }, () => ({
  ...(r.chance(0.85) ? { [key]: Array.from({ length: 1 + r.int(2) }, () => peer(r)) } : {}),
  ...(r.chance(0.6) ? { ports: ports(r) } : {}),
}));
const spec = (r: R): Record<string, unknown> => {
  const types = r.pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
  return {
    podSelector: selector(r),
    ...(types ? { policyTypes: types } : {}),
    ...(r.chance(0.7) ? { ingress: rules(r, 'from') } : {}),
    ...(r.chance(0.5) ? { egress: rules(r, 'to') } : {}),
  };
};

function randomCluster(r: R): Cluster {
  return {
    namespaces: NS.map((name) => ({ name, labels: { team: r.pick(['a', 'b']), ...(r.chance(0.4) ? { env: 'prod' } : {}) } })),
    workloads: Array.from({ length: 12 }, (_, i) => ({
      namespace: r.pick(NS),
      name: `w${i}`,
      labels: { app: r.pick(APPS), ...(r.chance(0.4) ? { tier: 'fe' } : {}) },
      ports: r.pick([[], [{ name: 'http', containerPort: 80 }], [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }]]),
    })),
    policies: Array.from({ length: 2 + r.int(7) }, (_, i) => ({ name: `p${i}`, namespace: r.pick(NS), spec: spec(r) })),
  };
}

/** A small change: most of the cluster stays as it was, which is what the shortcuts rely on. */
function mutate(r: R, c: Cluster): Cluster {
  const next: Cluster = JSON.parse(JSON.stringify(c));
  for (let k = 1 + r.int(2); k > 0; k--) {
    const what = r.int(6);
    if (what === 0 && next.policies.length) next.policies[r.int(next.policies.length)].spec = spec(r);
    else if (what === 1) next.policies.push({ name: `q${next.policies.length}`, namespace: r.pick(NS), spec: spec(r) });
    else if (what === 2 && next.policies.length) next.policies.splice(r.int(next.policies.length), 1);
    else if (what === 3) next.namespaces[r.int(NS.length)].labels = { team: r.pick(['a', 'b']), ...(r.chance(0.5) ? { env: 'prod' } : {}) };
    else if (what === 4) next.workloads[r.int(next.workloads.length)].labels = { app: r.pick(APPS), ...(r.chance(0.5) ? { tier: 'fe' } : {}) };
    else if (next.policies.length) {
      // Ports or peers of one rule only: the policy keeps its name and selects the same pods.
      const p = next.policies[r.int(next.policies.length)];
      const list = (p.spec.ingress ?? p.spec.egress) as Record<string, unknown>[] | undefined;
      if (list?.length) list[r.int(list.length)].ports = ports(r);
    }
  }
  return next;
}

function manifests(c: Cluster): Record<string, unknown>[] {
  return [
    ...c.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
    ...c.workloads.map((w) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: w.name, namespace: w.namespace, labels: w.labels },
      spec: { containers: [{ name: 'c', image: 'x', ports: w.ports }] },
    })),
    ...c.policies.map((p) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: p.name, namespace: p.namespace }, spec: p.spec })),
  ];
}

/** One file per object, as a repository holds them. */
function texts(c: Cluster): Map<string, string> {
  return new Map(manifests(c).map((m) => {
    const meta = m.metadata as { name: string; namespace?: string };
    return [`${meta.namespace ?? '_'}/${String(m.kind)}-${meta.name}.yaml`, JSON.stringify(m)];
  }));
}

function engineOf(c: Cluster): Engine {
  const workloads: Workload[] = c.workloads.map((w) => ({ namespace: w.namespace, name: w.name, labels: w.labels, ports: w.ports as Workload['ports'] }));
  return Engine.fromManifests(manifests(c).filter((m) => m.kind !== 'Pod'), { workloads });
}

test('the diff lists exactly the workload pairs whose connections changed, on 200 random small changes', () => {
  let changedPairs = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const base = randomCluster(r);
    const head = mutate(r, base);
    const [eb, eh] = [engineOf(base), engineOf(head)];
    const refs = base.workloads.map((w) => `${w.namespace}/${w.name}`);
    const expected: string[] = [];
    for (const a of refs) {
      for (const b of refs) {
        if (a === b) continue;
        const [before, after] = [eb.connections(a, b), eh.connections(a, b)];
        if (before !== after) expected.push(`${a} -> ${b}: ${before} => ${after}`);
      }
    }
    const report = diffManifests(texts(base), texts(head), { pairs: true, strict: true });
    const actual = (report.pairs ?? [])
      .filter((p) => refs.includes(p.from) && refs.includes(p.to))
      .map((p) => `${p.from} -> ${p.to}: ${p.before} => ${p.after}`);
    expect({ seed, pairs: actual.sort() }).toEqual({ seed, pairs: expected.sort() });
    changedPairs += expected.length;
  }
  // The changes are small but not empty: most seeds change some pair.
  expect(changedPairs).toBeGreaterThan(500);
});
