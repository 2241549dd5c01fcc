// The scenarios of KubeSphere's "project network isolation" guide (v3.4).
import {
  ClusterSet, Direction, ExternalWhitelist, InternalPeer, InternalWhitelist, IsolatedProject, Port, ProjectService, Workspace,
} from '../src';

export default function (clusters: ClusterSet): void {
  const cluster = clusters.cluster('demo', {
    // Monitoring and the KubeSphere console may always reach isolated projects.
    allowedIngressNamespaces: ['kubesphere-system', 'kubesphere-monitoring-system'],
    dns: { nodeLocalDnsIp: '169.254.25.10' },
    // Where exposed traffic comes from (used by projects/exposure.ts): the three nodes' eth0
    // addresses, their Calico IPIP tunl0 addresses, and KubeSphere's project gateways.
    nodeCidrs: ['192.168.0.11/32', '192.168.0.12/32', '192.168.0.13/32'],
    tunnelCidrs: ['10.233.70.0/32', '10.233.90.0/32', '10.233.96.0/32'],
    ingressController: {
      namespace: 'kubesphere-controls-system',
      podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    },
  });
  const workspace = new Workspace(cluster, 'demo-workspace');

  const project2 = new IsolatedProject(cluster, 'demo-project-2', { workspace });
  // The NGINX Deployment's Service in demo-project-2.
  const nginx = new ProjectService(project2, 'nginx', {
    selector: { app: 'nginx' },
    ports: [{ port: 80, protocol: 'TCP' }],
  });

  const project = new IsolatedProject(cluster, 'demo-project', { workspace });
  new InternalWhitelist(project, 'from-demo-project-2', {
    direction: Direction.INGRESS,
    peers: [InternalPeer.project(project2)],
  });
  new InternalWhitelist(project, 'to-nginx', {
    direction: Direction.EGRESS,
    peers: [InternalPeer.service(nginx)],
  });
  // The Tomcat client at 192.168.1.1 reaches demo-service on TCP 80.
  new ExternalWhitelist(project, 'from-client', {
    direction: Direction.INGRESS,
    cidrs: ['192.168.1.1/32'],
    ports: [Port.tcp(80)],
  });
  new ExternalWhitelist(project, 'to-external-service', {
    direction: Direction.EGRESS,
    cidrs: ['10.1.0.1/32'],
    ports: [Port.tcp(80)],
  });
}
