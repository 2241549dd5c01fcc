// The exposures of "minimal configuration of network isolation": a Tomcat Deployment reached
// from outside the cluster through NodePort (both traffic policies), an OpenELB LoadBalancer and
// the project gateway. Cluster settings (node, tunnel and gateway addresses) are in demo.ts.
import { ClusterSet, ExposedService, IsolatedProject, Workload } from '../src';

/** Tomcat listens on 8080; the Service port is 80, and the policies allow 8080 (after DNAT). */
const tomcat = { selector: { app: 'tomcat' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' as const }] };

/** The Tomcat pods behind each exposure (analysis only; netiso does not deploy them). */
function tomcatPods(project: IsolatedProject): IsolatedProject {
  new Workload(project, 'tomcat', { labels: { app: 'tomcat' }, ports: [{ containerPort: 8080 }] });
  return project;
}

export default function (clusters: ClusterSet): void {
  const cluster = clusters.cluster('demo');

  // Cluster policy: kube-proxy may SNAT the client to a node's address, so the nodes are let in
  // and the client filter cannot hold (synth warns).
  new ExposedService(tomcatPods(new IsolatedProject(cluster, 'demo-nodeport-cluster')), 'demo-service', {
    ...tomcat,
    mode: 'NodePort',
    externalTrafficPolicy: 'Cluster',
    clients: ['192.168.1.1/32'],
  });

  // Local policy: the client's address is kept, so only 192.168.1.1 gets in; it must use the
  // address of a node running a Tomcat pod (synth notes this).
  new ExposedService(tomcatPods(new IsolatedProject(cluster, 'demo-nodeport-local')), 'demo-service', {
    ...tomcat,
    mode: 'NodePort',
    externalTrafficPolicy: 'Local',
    clients: ['192.168.1.1/32'],
  });

  // OpenELB in layer-2 mode announces an address of the eip-pool Eip; with Local it forwards only
  // to nodes running a Tomcat pod, so the office network's addresses reach the pods unchanged.
  new ExposedService(tomcatPods(new IsolatedProject(cluster, 'demo-loadbalancer')), 'demo-service', {
    ...tomcat,
    mode: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    clients: ['203.0.113.0/24'],
    annotations: {
      'lb.kubesphere.io/v1alpha1': 'openelb',
      'protocol.openelb.kubesphere.io/v1alpha1': 'layer2',
      'eip.openelb.kubesphere.io/v1alpha2': 'eip-pool',
    },
  });

  // Through the project gateway (ingress-nginx in kubesphere-controls-system): only the gateway
  // pods are let in; clients are filtered at the gateway, not here.
  new ExposedService(tomcatPods(new IsolatedProject(cluster, 'demo-ingress')), 'demo-service', {
    ...tomcat,
    mode: 'Ingress',
    ingress: { rules: [{ host: 'tomcat.demo.example.com' }] },
  });
}
