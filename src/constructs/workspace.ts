import { Construct } from 'constructs';
import { dnsLabelProblems } from '../k8s/names';
import { booleanProblems } from '../values/checks';
import { Cluster } from './cluster';
import { declareName, uniqueId } from './part';

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
  /** Definition file the workspace was declared in, when loaded from `projects/`. */
  public readonly definedIn?: string;
  /** @internal marker used instead of instanceof */
  public readonly isWorkspace = true;

  constructor(cluster: Cluster, name: string, props: WorkspaceProps = {}) {
    // Prefixed id: workspaces and projects share the cluster's children and may share a name.
    super(cluster, uniqueId(cluster, `Workspace:${name}`));
    this.name = name;
    this.networkIsolation = props?.networkIsolation === true;
    this.definedIn = cluster.currentSource;
    const sameName = declareName(cluster, 'workspace', name, this);
    this.node.addValidation({
      validate: () => [
        ...dnsLabelProblems('workspace name', name),
        ...booleanProblems('networkIsolation', props?.networkIsolation),
        ...(sameName[0] === this ? [] : [repeatProblem(this, sameName[0])]),
      ],
    });
  }
}

/** @internal True for a {@link Workspace}, also one of another copy of the package. */
export function isWorkspace(value: unknown): value is Workspace {
  return (value as { readonly isWorkspace?: boolean } | undefined)?.isWorkspace === true;
}

function repeatProblem(workspace: Workspace, first: Workspace): string {
  const where = first.definedIn && workspace.definedIn && first.definedIn !== workspace.definedIn
    ? `is declared in ${first.definedIn} and ${workspace.definedIn}` : `is declared twice${workspace.definedIn ? ` in ${workspace.definedIn}` : ''}`;
  return `workspace ${workspace.name} ${where}; declare each workspace once, in the file of its projects`;
}
