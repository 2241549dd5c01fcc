import { Construct } from 'constructs';
import { dnsLabelProblems } from '../k8s/names';
import { Cluster } from './cluster';

/** Props of a {@link Workspace}. */
export interface WorkspaceProps {
  /**
   * Workspace network isolation: projects of the workspace accept ingress from every project of
   * the workspace (namespaces labelled `kubesphere.io/workspace=<name>`) and the cluster's
   * allowed namespaces. A project with `isolation: 'project'` overrides it, as in KubeSphere.
   * @default false
   */
  readonly networkIsolation?: boolean;
}

/** A group of projects (KubeSphere workspace). Projects join it through their `workspace` prop. */
export class Workspace extends Construct {
  /** Workspace name, the value of the `kubesphere.io/workspace` namespace label. */
  public readonly name: string;
  public readonly networkIsolation: boolean;

  constructor(cluster: Cluster, name: string, props: WorkspaceProps = {}) {
    // Prefixed id: workspaces and projects share the cluster's children and may share a name.
    super(cluster, `Workspace:${name}`);
    this.name = name;
    this.networkIsolation = props.networkIsolation ?? false;
    this.node.addValidation({ validate: () => dnsLabelProblems('workspace name', name) });
  }
}
