import { NAMESPACE_NAME_LABEL } from '../k8s/names';

/** Namespace label KubeSphere (and netiso) put a namespace's workspace in; workspace isolation selects on it. */
export const WORKSPACE_LABEL = 'kubesphere.io/workspace';
/** Namespace label KubeSphere's namespace controller puts a namespace's name in; KubeSphere's policies select on it. */
export const KUBESPHERE_NAMESPACE_LABEL = 'kubesphere.io/namespace';
/** Label every object netiso generates carries (`netiso`). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The namespaces of a cluster that other namespaces' traffic depends on. */
export interface ClusterNamespaces {
  /** Where the cluster DNS runs. */
  readonly dnsNamespace: string;
  /** Namespaces every isolated project admits. */
  readonly allowedIngressNamespaces: readonly string[];
  /** Where the ingress controller runs, when one is configured. */
  readonly ingressControllerNamespace?: string;
}

/**
 * Why a project may not have this name, or undefined when it may. A project is a tenant namespace
 * that netiso isolates; these namespaces are the cluster's own, and naming a project after one of
 * them either isolates what every pod depends on or lets the project's pods in wherever that
 * namespace is admitted:
 *
 * - `kube-*`: Kubernetes reserves the prefix for its own namespaces (`kube-system` runs the cluster
 *   DNS, `kube-public`, `kube-node-lease`);
 * - the DNS namespace: every project's DNS egress goes there, and its isolation cuts the cluster off DNS;
 * - `allowedIngressNamespaces`: every isolated project admits them;
 * - the ingress controller's namespace: every Ingress exposure admits its controller pods.
 *
 * `default` is not reserved: nothing outside it depends on its pods (the `kubernetes` Service's
 * endpoints are the API servers, not pods), so isolating it only affects workloads placed there.
 */
export function reservedNamespaceReason(name: string, cluster: ClusterNamespaces): string | undefined {
  if (name.startsWith('kube-')) {
    return 'names starting with "kube-" belong to Kubernetes itself (kube-system runs the cluster DNS, and isolating it cuts every pod of the cluster off from DNS)';
  }
  if (name === cluster.dnsNamespace) {
    return 'it is the cluster\'s DNS namespace (dns.namespace), which every project\'s DNS egress goes to, and isolating it cuts every pod of the cluster off from DNS';
  }
  if (cluster.allowedIngressNamespaces.includes(name)) {
    return 'it is one of the cluster\'s allowedIngressNamespaces, which every isolated project admits, so a project of that name would reach every project';
  }
  if (name === cluster.ingressControllerNamespace) {
    return 'it is the namespace of the cluster\'s ingressController, whose pods every Ingress exposure admits';
  }
  return undefined;
}

/**
 * Why a project's `namespaceLabels` may not set this label, or undefined when it may: these labels
 * decide which policies admit the namespace, so a project that sets them could pass for another
 * namespace or join another team's workspace. `namespaceLabel` is the cluster's identity label.
 */
export function reservedLabelReason(key: string, namespaceLabel: string): string | undefined {
  if (key === WORKSPACE_LABEL) {
    return 'which puts the namespace into a workspace\'s isolation; netiso sets it from the project\'s workspace prop, so remove it and set workspace instead';
  }
  if (key === NAMESPACE_NAME_LABEL || key === KUBESPHERE_NAMESPACE_LABEL || key === namespaceLabel) {
    return 'which names the namespace in policy selectors: another value lets the project pass for another namespace; remove it (netiso sets it to the project name)';
  }
  if (key === MANAGED_BY_LABEL) return 'which marks the objects netiso owns (its writer and GitOps pruning rely on it); remove it';
  return undefined;
}
