// The scenarios of KubeSphere's "project network isolation" guide (v3.4).
import {
  ClusterSet, Direction, ExternalHost, ExternalWhitelist, InternalPeer, InternalWhitelist, IsolatedProject, Port, ProjectService, Workload, Workspace,
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

  // Pods netiso does not deploy, declared so that `netiso explain` and the tests can probe them.
  new Workload(cluster, 'prometheus', { namespace: 'kubesphere-monitoring-system', labels: { app: 'prometheus' } });
  new Workload(cluster, 'coredns', {
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns' },
    ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }],
  });
  new Workload(cluster, 'ingress-nginx', {
    namespace: 'kubesphere-controls-system',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
  });
  // An address no allow-list names.
  new ExternalHost(cluster, 'internet', { ip: '198.51.100.7' });

  const project2 = new IsolatedProject(cluster, 'demo-project-2', { workspace });
  // The NGINX Deployment's Service in demo-project-2.
  const nginx = new ProjectService(project2, 'nginx', {
    selector: { app: 'nginx' },
    ports: [{ port: 80, protocol: 'TCP' }],
  });
  new Workload(project2, 'nginx', { labels: { app: 'nginx' }, ports: [{ name: 'http', containerPort: 80 }] });
  // demo-project-2 is isolated too, so demo-project's egress entry to nginx needs this ingress
  // counterpart (`netiso explain` showed the connection denied at nginx without it).
  new InternalWhitelist(project2, 'from-demo-project', {
    direction: Direction.INGRESS,
    podSelector: { app: 'nginx' },
    peers: [InternalPeer.project('demo-project')],
    ports: [Port.tcp(80)],
  });

  const project = new IsolatedProject(cluster, 'demo-project', { workspace });
  new Workload(project, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ name: 'http', containerPort: 80 }] });
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
