// Guardrails tenants cannot undo (docs/guardrails.md): the same tenants on four clusters, one per
// guardrail API, so that dist/guarded-*/_cluster/ shows each rendering side by side.
import {
  ClusterSet, DenyList, Direction, ExposedService, GuardrailApi, InternalPeer, InternalWhitelist, IsolatedProject, Port, Workload, Workspace,
} from '../src';

const CLUSTERS: Readonly<Record<string, GuardrailApi>> = {
  'guarded-cnp': 'ClusterNetworkPolicy',
  'guarded-anp': 'AdminNetworkPolicy',
  'guarded-calico': 'calico',
  'guarded-cilium': 'cilium',
};

export default function (clusters: ClusterSet): void {
  for (const [name, api] of Object.entries(CLUSTERS)) {
    const cluster = clusters.cluster(name, {
      allowedIngressNamespaces: ['monitoring'],
      ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      guardrails: {
        api,
        // Pods of namespaces netiso does not manage are reached only where their own policies say.
        defaultDenyUnmanaged: true,
        // OpenShift allows AdminNetworkPolicy priorities 0-99 only.
        ...(api === 'AdminNetworkPolicy' ? { priorityRange: [0, 99] as const } : {}),
      },
    });
    // No pod of any project may reach the cloud metadata service, whatever its NetworkPolicies say.
    new DenyList(cluster, 'cloud-metadata', { cidrs: ['169.254.169.254/32'] });

    const retail = new Workspace(cluster, 'retail', { networkIsolation: true });
    const web = new IsolatedProject(cluster, 'retail-web', { workspace: retail });
    new Workload(web, 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] });
    new ExposedService(web, 'shop', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], mode: 'Ingress', ingress: { rules: [{ host: 'shop.example.com' }] } });
    const api2 = new IsolatedProject(cluster, 'retail-api', { workspace: retail });
    new Workload(api2, 'api', { labels: { app: 'api' }, ports: [{ containerPort: 8443 }] });

    const payments = new IsolatedProject(cluster, 'payments');
    new Workload(payments, 'ledger', { labels: { app: 'ledger' }, ports: [{ containerPort: 8443 }] });
    new InternalWhitelist(payments, 'from-retail-api', {
      direction: Direction.INGRESS, podSelector: { app: 'ledger' }, peers: [InternalPeer.project('retail-api')], ports: [Port.tcp(8443)],
    });
    // Locks egress down: DNS stays open, and the metrics API in kube-system is declared there.
    new InternalWhitelist(payments, 'to-metrics', {
      direction: Direction.EGRESS, peers: [InternalPeer.namespace('kube-system', { podSelector: { 'k8s-app': 'metrics-server' } })], ports: [Port.tcp(10250)],
    });
    // The shop front end must never talk to payments directly, in either direction.
    new DenyList(payments, 'no-retail-web', { projects: ['retail-web'] });

    new Workload(cluster, 'prometheus', { namespace: 'monitoring', labels: { app: 'prometheus' } });
    new Workload(cluster, 'coredns', { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    new Workload(cluster, 'metrics-server', { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, ports: [{ containerPort: 10250 }] });
  }
}
