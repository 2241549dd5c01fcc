import { Cluster, ClusterProps, IsolatedProject, IsolatedProjectProps, Manifest } from '../src';

/** A cluster for tests, with KubeSphere's usual allowed namespaces unless overridden. */
export function testCluster(props: ClusterProps = {}): Cluster {
  return new Cluster('test', { allowedIngressNamespaces: ['kubesphere-monitoring-system'], ...props });
}

export function project(cluster: Cluster, name = 'demo', props: IsolatedProjectProps = {}): IsolatedProject {
  return new IsolatedProject(cluster, name, props);
}

/** The manifest of `kind`/`name` among a project's rendered manifests. */
export function find(manifests: readonly Manifest[], kind: string, name: string): any {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

/** Problem messages of a cluster, prefixed with their path relative to the cluster. */
export function problems(cluster: Cluster): string[] {
  return cluster.problems().map((p) => (p.path === cluster.name ? p.message : `${p.path.slice(cluster.name.length + 1)}: ${p.message}`));
}
