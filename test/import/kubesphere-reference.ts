import { isIP } from 'net';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/import';
import { cidrStrictlyWithin, parseCidr } from '../../src/k8s/ip';

/**
 * The NetworkPolicies KubeSphere's v3.x `nsnetworkpolicy` controller writes for a set of exported
 * objects, following /work/shared/research/kubesphere-semantics.md §2–§5. Test-only and written
 * independently of `src/import`, so that the flow tests compare netiso against KubeSphere itself
 * rather than against the importer's own reading of it.
 */
export function kubesphereNetworkPolicies(objects: readonly KubeObject[]): Record<string, unknown>[] {
  const find = (kind: string, namespace: string | undefined, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace);

  // §1: with the ConfigMap in the input the gate is read from it; without, the import assumes the
  // controller ran (it would not have been asked to migrate otherwise), and so does this reference.
  const config = find('ConfigMap', 'kubesphere-system', 'kubesphere-config') as { data?: Record<string, string> } | undefined;
  const network = config ? parse(config.data?.['kubesphere.yaml'] ?? '')?.network ?? {} : { enableNetworkPolicy: true };
  if (network.enableNetworkPolicy !== true) return [];
  const allowedIngressNamespaces: string[] = network.nsnpOptions?.allowedIngressNamespaces ?? [];

  // The console edits the WorkspaceTemplate and KubeSphere copies its template onto the Workspace.
  const workspaces = new Map<string, boolean>();
  for (const o of objects) {
    const spec = o.spec as { networkIsolation?: boolean; template?: { spec?: { networkIsolation?: boolean } } } | undefined;
    if (o.kind === 'Workspace' && !workspaces.has(o.metadata!.name!)) workspaces.set(o.metadata!.name!, spec?.networkIsolation === true);
    if (o.kind === 'WorkspaceTemplate') workspaces.set(o.metadata!.name!, spec?.template?.spec?.networkIsolation === true);
  }

  const snatCidrs = objects
    .filter((o) => o.kind === 'Node')
    .flatMap((o) => (o.metadata?.annotations?.['kubesphere.io/snat-node-ips'] ?? '').split(';'))
    .sort()
    .filter((ip) => isIP(ip))
    .map((ip) => ({ ipBlock: { cidr: `${ip}/${isIP(ip) === 4 ? 32 : 128}` } }));

  const service = (namespace: string, name: string) => find('Service', namespace, name) as { spec?: { selector?: Record<string, string>; ports?: ServicePort[] } } | undefined;
  const dnsService = [service('kube-system', 'kube-dns'), service('kube-system', 'coredns')].find((s) => Object.keys(s?.spec?.selector ?? {}).length);

  const out: Record<string, unknown>[] = [];
  const policy = (namespace: string, name: string, spec: Record<string, unknown>) =>
    out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector: {}, ...spec } });

  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const name = ns.metadata!.name!;
    const nsnps = objects.filter((o) => o.kind === 'NamespaceNetworkPolicy' && o.metadata?.namespace === name) as Nsnp[];
    const workspace = ns.metadata?.labels?.['kubesphere.io/workspace'];
    // §5: the namespace sync skips these, but the NSNP sync converts their entries all the same,
    // and nothing ever cleans those policies up.
    if (workspace === undefined || !workspaces.has(workspace)) {
      for (const nsnp of nsnps) convert(nsnp, service, policy);
      continue;
    }
    const projectMode = ns.metadata?.annotations?.['kubesphere.io/network-isolate'] === 'enabled';
    if (!projectMode && !workspaces.get(workspace)) continue;

    const self = projectMode ? { 'kubesphere.io/namespace': name } : { 'kubesphere.io/workspace': workspace };
    const ingress: unknown[] = [{ from: [self, ...allowedIngressNamespaces.map((n) => ({ 'kubesphere.io/namespace': n }))].map((matchLabels) => ({ namespaceSelector: { matchLabels } })) }];
    if (snatCidrs.length) ingress.push({ from: snatCidrs });
    // §4: any egress entry (even one that fails to convert) locks egress down and brings DNS.
    const dns = projectMode && nsnps.some((n) => (n.spec?.egress?.length ?? 0) > 0);
    const egress = dns ? [
      { to: [{ ipBlock: { cidr: '169.254.25.10/32' } }], ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }] },
      ...(dnsService ? [serviceRule(servicePeer(dnsService.spec!.selector!, 'kube-system'), dnsService.spec!.ports)] : []),
    ] : undefined;
    policy(name, 'nsnp-network-isolate', { policyTypes: dns ? ['Ingress', 'Egress'] : ['Ingress'], ingress, ...(egress ? { egress } : {}) });
    // §2.1: workspace mode deletes every NSNP of the namespace.
    if (projectMode) for (const nsnp of nsnps) convert(nsnp, service, policy);
  }
  return out;
}

interface ServicePort { port: number; protocol?: string }
interface NsnpPeer { service?: { name: string; namespace: string }; namespace?: { name: string }; ipBlock?: { cidr: string; except?: string[] } }
interface NsnpPort { protocol?: string; port?: number | string; endPort?: number }
type Nsnp = KubeObject & { spec?: { ingress?: Array<{ from?: NsnpPeer[]; ports?: NsnpPort[] }>; egress?: Array<{ to?: NsnpPeer[]; ports?: NsnpPort[] }> } };

function servicePeer(selector: Record<string, string>, namespace: string) {
  return { podSelector: { matchLabels: selector }, namespaceSelector: { matchLabels: { 'kubesphere.io/namespace': namespace } } };
}

/** §3.2: a service peer of an egress entry is a rule of its own, on the Service's `port`s (not targetPorts). */
function serviceRule(peer: unknown, ports: readonly ServicePort[] | undefined) {
  return { to: [peer], ...(ports?.length ? { ports: ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port })) } : {}) };
}

/** §3.2; an entry that fails to convert (or that the API server would reject) writes no policy. */
function convert(
  nsnp: Nsnp,
  service: (namespace: string, name: string) => { spec?: { selector?: Record<string, string>; ports?: ServicePort[] } } | undefined,
  policy: (namespace: string, name: string, spec: Record<string, unknown>) => void,
): void {
  const peer = (p: NsnpPeer) => {
    if (p.service) {
      const spec = service(p.service.namespace, p.service.name)?.spec;
      if (!Object.keys(spec?.selector ?? {}).length) throw new Error(`service ${p.service.namespace}/${p.service.name} has no podselect`);
      return servicePeer(spec!.selector!, p.service.namespace);
    }
    if (p.namespace) return { namespaceSelector: { matchLabels: { 'kubesphere.io/namespace': p.namespace.name } } };
    if (p.ipBlock) {
      // The API server refuses an except entry that is not strictly inside the CIDR.
      const cidr = parseCidr(p.ipBlock.cidr);
      if (!cidr || (p.ipBlock.except ?? []).some((e) => { const ex = parseCidr(e); return !ex || !cidrStrictlyWithin(ex, cidr); })) throw new Error('ipBlock');
      return { ipBlock: p.ipBlock };
    }
    throw new Error('peer has no field');
  };
  // The CRD defaults the protocol; the API server refuses a NetworkPolicy with any other protocol.
  // endPort is kept as the 4.x CRD keeps it (3.x prunes it), since the fixtures use it as a 4.x export.
  const ports = (list: NsnpPort[] | undefined) => list?.map((p) => {
    if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP')) throw new Error(`protocol ${p.protocol}`);
    // The API server's port rules: a number in 1-65535, or an IANA service name.
    const valid = p.port === undefined || (typeof p.port === 'number' && p.port >= 1 && p.port <= 65535)
      || (typeof p.port === 'string' && /^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$/.test(p.port));
    if (!valid) throw new Error(`port ${p.port}`);
    return { ...p, protocol: p.protocol ?? 'TCP' };
  });
  const { ingress, egress } = nsnp.spec ?? {};
  let spec: Record<string, unknown>;
  try {
    const egressRules = egress?.flatMap((rule) => {
      const to = rule.to ?? [];
      const services = to.filter((p) => p.service).map((p) => serviceRule(peer(p), service(p.service!.namespace, p.service!.name)!.spec!.ports));
      // The rule's own ports apply to the other peers only, and without peers the rule is dropped.
      const rest = to.filter((p) => !p.service).map(peer);
      const rulePorts = ports(rule.ports);
      return [...services, ...(rest.length ? [{ to: rest, ...(rulePorts ? { ports: rulePorts } : {}) }] : [])];
    });
    const ingressRules = ingress?.map((rule) => {
      const rulePorts = ports(rule.ports);
      return { from: (rule.from ?? []).map(peer), ...(rulePorts ? { ports: rulePorts } : {}) };
    });
    const policyTypes = [...(egress ? ['Egress'] : []), ...(ingress ? ['Ingress'] : [])];
    spec = { ...(policyTypes.length ? { policyTypes } : {}), ...(ingressRules ? { ingress: ingressRules } : {}), ...(egressRules ? { egress: egressRules } : {}) };
  } catch {
    return;
  }
  policy(nsnp.metadata!.namespace!, `nsnp-${nsnp.metadata!.name}`, spec);
}
