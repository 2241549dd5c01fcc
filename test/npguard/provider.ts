import { Engine, clusterOfModel } from '../../src/analysis';
import { NPGUARD_INGRESS_CONTROLLER } from '../../src/k8s/ingress-controller';
import { ConnEnd, connlist } from '../../src/report/connlist';
import { ConnectivityProvider } from './connectivity';
import { Conns, PROTOCOLS, PairConns, Peer, normaliseRanges } from './conns';

/**
 * The provider the corpus tests run: netiso's own `connlist` on the fast engine, with np-guard's
 * conventions (pods are never matched by ipBlocks, IPv6 is not reported, np-guard's ingress
 * controller pod). np-guard's expected outputs are the ground truth it is checked against.
 */
export const PROVIDER: ConnectivityProvider = {
  connlist(model) {
    const withoutAddresses = { ...model, workloads: model.workloads.map(({ ip: _ip, ips: _ips, ...w }) => w) };
    const engine = new Engine(clusterOfModel(withoutAddresses, { workloads: [{ ...NPGUARD_INGRESS_CONTROLLER, labels: {} }] }));
    const out: PairConns[] = [];
    for (const entry of connlist(engine, withoutAddresses)) {
      const conns: Conns = Object.fromEntries(PROTOCOLS.flatMap((p) => {
        const ranges = entry.conns.intervals(p);
        return ranges.length ? [[p, normaliseRanges(ranges)]] : [];
      }));
      for (const src of peers(entry.from)) for (const dst of peers(entry.to)) out.push({ src, dst, conns });
    }
    return out;
  },
};

function peers(end: ConnEnd): Peer[] {
  if (end.kind === 'workload') return [{ kind: 'workload', namespace: end.namespace, name: end.name.replace(/\[[^\]]+\]$/, ''), workloadKind: end.workloadKind ?? 'Pod' }];
  if (end.kind === 'ingress-controller') return [{ kind: 'ingress-controller' }];
  return end.ranges.filter((r) => r.family === 4).map((r) => ({ kind: 'external', first: Number(r.lo), last: Number(r.hi) }));
}
