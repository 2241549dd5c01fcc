// A second cluster, "edge", on Cilium: the exposures of "minimal configuration of network
// isolation" as they work there, HTTP through the Gateway API (ingress-nginx was retired in March
// 2026), and named peers instead of hand-kept CIDRs. netiso compiles what NetworkPolicy cannot say
// on default Cilium (the nodes, NodeLocal DNS, the API server, Cilium's own Gateway) into
// CiliumNetworkPolicy objects next to the NetworkPolicies.
import {
  ClusterSet, Cni, Direction, ExposedService, ExternalPeer, ExternalWhitelist, InternalPeer, InternalWhitelist, IsolatedProject, Port, Workload,
} from '../src';

export default function (clusters: ClusterSet): void {
  const cluster = clusters.cluster('edge', {
    // Cilium 1.17 with kube-proxy running and the default policy-cidr-match-mode: ipBlocks match
    // neither pods nor nodes.
    cni: Cni.cilium({ version: '1.17' }),
    allowedIngressNamespaces: ['monitoring'],
    dns: { nodeLocalDnsIp: '169.254.20.10' },
    // Only for ipBlock output next to the kube-apiserver entity (an API server outside the nodes).
    apiServerEndpoints: ['192.168.10.2/32'],
    // Cilium's own Gateway API implementation (gatewayClassName: cilium) serves this Gateway; its
    // traffic reaches the pods with Cilium's reserved ingress identity.
    gateway: { name: 'public', namespace: 'gateways', sectionName: 'https', dataPlane: 'cni' },
  });

  // The shop's storefront over HTTPS through the Gateway, and its gRPC API on the same Gateway.
  const shop = new IsolatedProject(cluster, 'edge-shop');
  new Workload(shop, 'storefront', { labels: { app: 'storefront' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'grpc', containerPort: 9090 }] });
  new ExposedService(shop, 'storefront', {
    selector: { app: 'storefront' },
    ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9090 }],
    mode: 'Gateway',
    gateway: {
      hostnames: ['shop.example.com'],
      http: [{ path: '/', port: 'http' }],
      grpc: [{ service: 'shop.v1.Catalog', port: 'grpc' }],
    },
  });

  // A NodePort under externalTrafficPolicy Cluster: kube-proxy SNATs to the nodes, which default
  // Cilium sees as the remote-node / host identities (a CiliumNetworkPolicy lets them in).
  const legacy = new IsolatedProject(cluster, 'edge-legacy');
  new Workload(legacy, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }] });
  new ExposedService(legacy, 'tomcat', {
    selector: { app: 'tomcat' },
    ports: [{ port: 80, targetPort: 8080 }],
    mode: 'NodePort',
    clients: ['192.168.1.0/24'],
  });

  // An operator that talks to the API server and reads instance metadata, and nothing else: its
  // egress is locked down, so NodeLocal DNS is re-allowed (Cilium's host entity on the DNS ports).
  const ops = new IsolatedProject(cluster, 'edge-ops');
  new Workload(ops, 'operator', { labels: { app: 'operator' } });
  new InternalWhitelist(ops, 'to-api-server', { direction: Direction.EGRESS, peers: [InternalPeer.kubeApiServer()], ports: [Port.tcp(443), Port.tcp(6443)] });
  new ExternalWhitelist(ops, 'to-instance-metadata', { direction: Direction.EGRESS, cidrs: [ExternalPeer.cloudMetadata('aws')], ports: [Port.tcp(80)] });
}
