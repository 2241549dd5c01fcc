import { ConnSet, Engine, PROTOCOLS, Protocol, Workload } from '../../src/analysis';
import { ReferenceEvaluator } from './reference';
import { rng } from '../rng';

const NS = ['n0', 'n1', 'n2', 'n3'];
const PORT_SETS = [undefined, [], [{ name: 'http', containerPort: 80 }], [{ name: 'dns', containerPort: 53, protocol: 'UDP' as const }, { name: 'http', containerPort: 8080 }]];

function randomCluster(seed: number): { engine: Engine; reference: ReferenceEvaluator; refs: string[]; cuts: Map<Protocol, number[]> } {
  const r = rng(seed);
  const namespaces = NS.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { team: r.pick(['a', 'b']), ...(r.chance(0.5) ? { env: r.pick(['prod', 'dev']) } : {}) } },
  }));
  const workloads: Workload[] = Array.from({ length: 14 }, (_, i) => ({
    namespace: r.pick(NS),
    name: `w${i}`,
    labels: { app: r.pick(['web', 'db', 'api']), ...(r.chance(0.4) ? { tier: r.pick(['fe', 'be']) } : {}) },
    ports: r.pick(PORT_SETS),
    ...(r.chance(0.7) ? { ip: r.chance(0.8) ? `10.0.${r.int(4)}.${r.int(8)}` : `fd00::${r.int(8).toString(16)}` } : {}),
  }));
  // IPs must be unique for a pod IP to identify one workload.
  const seen = new Set<string>();
  const unique = workloads.map((w) => {
    if (!w.ip || !seen.has(w.ip)) {
      if (w.ip) seen.add(w.ip);
      return w;
    }
    const { ip: _drop, ...rest } = w;
    return rest;
  });
  const selector = (): unknown =>
    r.pick([
      {},
      { matchLabels: { app: r.pick(['web', 'db', 'api']) } },
      { matchExpressions: [{ key: 'tier', operator: r.pick(['Exists', 'DoesNotExist']) }] },
      { matchExpressions: [{ key: 'app', operator: r.pick(['In', 'NotIn']), values: [r.pick(['web', 'db']), 'api'] }] },
    ]);
  const nsSelector = (): unknown =>
    r.pick([
      () => ({}),
      () => ({ matchLabels: { team: r.pick(['a', 'b']) } }),
      () => ({ matchLabels: { 'kubernetes.io/metadata.name': r.pick(NS) } }),
      () => ({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }),
      () => ({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }),
    ])();
  const peer = (): unknown =>
    r.pick([
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: nsSelector() }),
      () => ({ podSelector: selector(), namespaceSelector: nsSelector() }),
      () => ({ ipBlock: { cidr: '10.0.0.0/22', ...(r.chance(0.5) ? { except: [`10.0.${r.int(4)}.0/24`] } : {}) } }),
      () => ({ ipBlock: { cidr: r.pick(['10.0.1.0/24', 'fd00::/120', '0.0.0.0/0']) } }),
    ])();
  const ports = (): unknown =>
    r.pick([undefined, [], [{ port: 80 }], [{ port: 'http' }], [{ port: 'dns', protocol: 'UDP' }], [{ protocol: 'UDP' }], [{ port: 50, endPort: 8080 }]]);
  const rules = (peerKey: string): unknown[] =>
    Array.from({ length: r.int(3) }, () => ({
      ...(r.chance(0.8) ? { [peerKey]: r.chance(0.1) ? [] : Array.from({ length: 1 + r.int(2) }, peer) } : {}),
      ...(r.chance(0.6) ? { ports: ports() } : {}),
    }));
  const policies = Array.from({ length: 1 + r.int(6) }, (_, i) => {
    const types = r.pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `p${i}`, namespace: r.pick(NS) },
      spec: {
        podSelector: selector(),
        ...(types ? { policyTypes: types } : {}),
        ...(r.chance(0.7) ? { ingress: rules('from') } : {}),
        ...(r.chance(0.5) ? { egress: rules('to') } : {}),
      },
    };
  });
  const engine = Engine.fromManifests([...namespaces, ...policies], { workloads: unique });
  const nsLabels = new Map(namespaces.map((n) => [n.metadata.name, n.metadata.labels as Record<string, string>]));
  const reference = new ReferenceEvaluator(policies, (ns) => nsLabels.get(ns) ?? {}, unique);
  // Every port where some rule or container port starts or ends a range: the answers are constant in between.
  const cuts = new Map<Protocol, number[]>(PROTOCOLS.map((p) => [p, [1, 65535]]));
  const add = (protocol: Protocol, ...ports: number[]) => cuts.get(protocol)!.push(...ports.filter((n) => n >= 1 && n <= 65535));
  for (const policy of engine.policies) {
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])]) {
      for (const spec of rule.ports.specs) if (spec.port !== undefined) add(spec.protocol, spec.port - 1, spec.port, spec.endPort ?? spec.port, (spec.endPort ?? spec.port) + 1);
    }
  }
  for (const w of unique) for (const p of w.ports ?? []) add(p.protocol ?? 'TCP', p.containerPort - 1, p.containerPort, p.containerPort + 1);
  for (const [protocol, list] of cuts) cuts.set(protocol, [...new Set(list)].sort((a, b) => a - b));
  return { engine, reference, refs: unique.map((w) => `${w.namespace}/${w.name}`).sort(), cuts };
}

describe('connectivity', () => {
  test('the connection set of every pair agrees with a naive per-port evaluator on 150 random clusters', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { engine, reference, refs, cuts } = randomCluster(seed);
      const endpoints = [...refs, '10.0.1.5', '8.8.8.8', 'fd00::3'];
      for (const from of endpoints) {
        for (const to of endpoints) {
          if (!refs.includes(from) && !refs.includes(to)) continue;
          const conns = engine.connections(from, to);
          for (const [protocol, ports] of cuts) {
            for (const port of ports) {
              const expected = reference.allowed(from, to, port, protocol);
              if (conns.has(protocol, port) !== expected) {
                throw new Error(`seed ${seed} ${from} -> ${to} ${protocol}/${port}: engine ${!expected}, reference ${expected} (engine set: ${conns})\n${engine.explain({ from, to, port, protocol }).text}`);
              }
              if (engine.evaluate({ from, to, port, protocol }).allowed !== expected) throw new Error(`seed ${seed} ${from} -> ${to} ${protocol}/${port}: evaluate disagrees with the reference`);
            }
          }
        }
      }
    }
  });

  test('workloads that no policy can tell apart share a class', () => {
    const e = Engine.fromManifests(
      [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] } }],
      {
        workloads: [
          { namespace: 'a', name: 'w1', labels: { app: 'x' }, ip: '10.0.0.1' },
          { namespace: 'a', name: 'w2', labels: { app: 'x' }, ip: '10.0.0.2' },
          { namespace: 'a', name: 'w3', labels: { app: 'x' }, ip: '10.0.1.3' },
          { namespace: 'a', name: 'w4', labels: { app: 'x' } },
          { namespace: 'b', name: 'w5', labels: { app: 'x' } },
        ],
      },
    );
    // w1 and w2 fall in the same ipBlocks; w3 is outside them, like w4 without an IP.
    expect(e.universe.classes.map((c) => c.workloads)).toEqual([['a/w1', 'a/w2'], ['a/w3', 'a/w4'], ['b/w5']]);
    expect(e.connections('a/w3', 'a/w1')).toBe(ConnSet.ALL);
    expect(e.connections('a/w1', 'a/w3')).toBe(ConnSet.NONE);
    expect(e.connections('a/w1', 'a/w2')).toBe(ConnSet.ALL);
    expect(e.connections('a/w4', 'a/w4')).toBe(ConnSet.ALL);
    expect(e.connections('a/w1', '10.0.0.200').toString()).toBe('All Connections');
    expect(e.connections('a/w1', '10.0.1.200').toString()).toBe('No Connections');
  });

  test('rejects bad ports and unknown workloads', () => {
    const e = Engine.fromManifests([], { workloads: [{ namespace: 'a', name: 'b', labels: {} }] });
    expect(() => e.evaluate({ from: 'a/b', to: 'a/b', port: 0 })).toThrow('port must be an integer between 1 and 65535, got 0');
    expect(() => e.evaluate({ from: 'a/b', to: 'a/b', port: 80, protocol: 'ICMP' as Protocol })).toThrow('protocol must be one of TCP, UDP, SCTP, got "ICMP"');
    expect(() => e.connections('a/b', 'x/y')).toThrow('unknown workload x/y');
  });
});
