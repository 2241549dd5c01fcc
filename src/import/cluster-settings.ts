import { compare } from '../k8s/compare';
import type { Labels } from '../k8s/names';
import type { KubeObject } from '../k8s/read';
import { ipv4OfMapped, isStrictIp } from '../values/ip-block';
import { Inputs } from './inputs';
import { KS, labels, path } from './kubesphere';
import { portText, PortModel, ServicePortModel, servicePorts } from './ports';
import { Reporter } from './report';

/** The DNS the controller allows once egress is locked (research notes §4). */
export interface DnsModel {
  /** nodelocaldns, at the address the controller hard-codes. */
  readonly nodeLocalDnsIp: string;
  /** The ports the controller allows to nodelocaldns: TCP and UDP 53. */
  readonly nodeLocalDnsPorts: readonly PortModel[];
  /** The DNS Service the pod selector and ports come from, e.g. `kube-system/coredns`. */
  readonly service?: string;
  readonly podLabels?: Labels;
  /** The Service's target ports, on which its pods are reached. */
  readonly ports?: readonly PortModel[];
}

/**
 * nodelocaldns on TCP and UDP 53, and the pods of Service `kube-system/kube-dns` (or `coredns`)
 * on that Service's ports: each target with its own ports, as the controller writes them.
 * `needed`: some project's egress is locked, so DNS rules exist at all and deviations matter.
 */
export function dnsModel(services: Inputs['services'], needed: boolean, report: Reporter): DnsModel {
  const nodeLocal: DnsModel = { nodeLocalDnsIp: KS.nodeLocalDnsIp, nodeLocalDnsPorts: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }] };
  const svc = ['kube-dns', 'coredns'].map((n) => services.get(`${KS.dnsNamespace}/${n}`))
    .find((s): s is KubeObject => s !== undefined && Object.keys(labels(path(s, 'spec', 'selector'))).length > 0);
  if (!svc) {
    if (needed) {
      report('changed', { kind: 'Service', namespace: KS.dnsNamespace, name: 'kube-dns' },
        'neither kube-system/kube-dns nor kube-system/coredns (with a selector) is in the input: KubeSphere then allows DNS only to nodelocaldns, while netiso also allows its default DNS pods (k8s-app=kube-dns); add the DNS Service to the input');
    }
    return nodeLocal;
  }
  const ports = servicePorts(svc);
  const differing = ports.filter((p) => p.targetPort !== undefined);
  if (needed && differing.length) report('changed', { kind: 'Service', namespace: svc.metadata!.namespace, name: svc.metadata!.name! }, targetPortDeviation(differing));
  return {
    ...nodeLocal,
    service: `${svc.metadata!.namespace}/${svc.metadata!.name}`,
    podLabels: labels(path(svc, 'spec', 'selector')),
    ports: ports.map((p) => ({ protocol: p.protocol, port: p.targetPort ?? p.port })),
  };
}

/** The report line for the DNS Service's ports whose `targetPort` differs from `port`. */
function targetPortDeviation(ports: readonly ServicePortModel[]): string {
  const ks = ports.map((p) => portText({ protocol: p.protocol, port: p.port })).join(', ');
  const netiso = ports.map((p) => portText({ protocol: p.protocol, port: p.targetPort })).join(', ');
  return `DNS egress: KubeSphere allowed its port ${ks}, which connections through the Service (DNAT'd to the target port) do not match; netiso allows the target port ${netiso}`;
}

/**
 * The addresses of every node's `kubesphere.io/snat-node-ips` annotation (`;`-separated), which
 * the controller admits into every isolated project (research notes §2): sorted as strings, as
 * the controller sorts them. Entries that are no IP address the controller skips, and so does the
 * import; an IPv4-mapped IPv6 address is written as the IPv4 address it stands for.
 */
export function snatNodeIps(nodes: Inputs['snatNodes'], report: Reporter): string[] {
  const out = new Set<string>();
  for (const node of nodes.values()) {
    const annotation = String(node.metadata?.annotations?.[KS.snatAnnotation] ?? '');
    const kept: string[] = [];
    const skipped: string[] = [];
    const mapped: string[] = [];
    for (const entry of annotation.split(';').filter((e) => e !== '')) {
      const ipv4 = ipv4OfMapped(entry);
      if (ipv4) mapped.push(`${entry} as ${ipv4}`);
      if (ipv4 || isStrictIp(entry)) kept.push(ipv4 ?? entry);
      else skipped.push(JSON.stringify(entry));
    }
    for (const ip of kept) out.add(ip);
    const notes = [
      ...(skipped.length ? [`KubeSphere skips ${skipped.join(', ')}, which ${skipped.length === 1 ? 'is' : 'are'} no IP address, and so does the import`] : []),
      ...(mapped.length ? [`the IPv4-mapped ${mapped.join(', ')}`] : []),
    ];
    report('note', { kind: 'Node', name: node.metadata!.name! }, kept.length
      ? `its ${KS.snatAnnotation} are carried over as snatNodeIps: ${kept.join(', ')}; every isolated project admits them, as in KubeSphere${notes.length ? ` (${notes.join('; ')})` : ''}`
      : `its ${KS.snatAnnotation} annotation ${JSON.stringify(annotation)} has no IP address, so KubeSphere admits nothing for it; nothing carried over`);
  }
  return [...out].sort(compare);
}
