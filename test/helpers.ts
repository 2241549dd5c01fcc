import * as path from 'path';
import { Cluster, ClusterProps, ClusterSet, IsolatedProject, IsolatedProjectProps, Manifest } from '../src';
import { definitionFiles } from '../src/synth/load';

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

/**
 * The example definitions of `projects/`, loaded synchronously for tests that build their cases
 * when the file is read (`describe.each`). The examples are synchronous definitions; an
 * asynchronous one is an error here (`loadDefinitions` awaits those).
 */
export function exampleClusters(dir = path.join(__dirname, '..', 'projects')): ClusterSet {
  const clusters = new ClusterSet();
  for (const file of definitionFiles(dir)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const define = require(path.resolve(file)).default as (c: ClusterSet) => unknown;
    const result: unknown = clusters.withSource(path.relative(process.cwd(), file), () => define(clusters));
    if (result instanceof Promise) throw new Error(`${file}: an asynchronous definition; load it with loadDefinitions`);
  }
  return clusters;
}
