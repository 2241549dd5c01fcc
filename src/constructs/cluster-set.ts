import { Cluster, ClusterProps } from './cluster';

/** Props of a {@link ClusterSet}. */
export interface ClusterSetProps {
  /** Root of the output tree for `cdk8s` synthesis; each cluster writes to `<outdir>/<name>`. @default 'dist' */
  readonly outdir?: string;
}

/**
 * The clusters all definition files contribute to. A file gets a cluster with
 * `clusters.cluster(name, props)`; several files may share a cluster (the props, if given more
 * than once, must agree), which is how a project of one file can name a project of another.
 */
export class ClusterSet {
  private readonly byName = new Map<string, Cluster>();
  private readonly propsGivenIn = new Map<string, string>();
  /** Source file currently being loaded; recorded on the projects it declares. */
  private source?: string;

  constructor(private readonly props: ClusterSetProps = {}) {}

  /** Clusters in the order they were first named. */
  public get clusters(): Cluster[] { return [...this.byName.values()]; }

  /** The cluster named `name`, created on first use; `props` may be given by one file (or several that agree). */
  public cluster(name: string, props?: ClusterProps): Cluster {
    const outdir = `${this.props.outdir ?? 'dist'}/${name}`;
    let cluster = this.byName.get(name);
    if (!cluster) {
      cluster = new Cluster(name, { ...props, outdir });
      this.byName.set(name, cluster);
      if (props) this.propsGivenIn.set(name, this.source ?? 'code');
    } else if (props) {
      const previous = this.propsGivenIn.get(name);
      if (previous === undefined) {
        cluster.configure({ ...props, outdir });
        this.propsGivenIn.set(name, this.source ?? 'code');
      } else if (JSON.stringify(cluster.clusterProps) !== JSON.stringify({ ...props, outdir })) {
        cluster.addProblem(`cluster ${name} is configured differently in ${previous} and ${this.source ?? 'code'}; give its props in one file and call clusters.cluster(${JSON.stringify(name)}) without props elsewhere`);
      }
    }
    cluster.currentSource = this.source;
    return cluster;
  }

  /**
   * @internal Runs `define` with `source` recorded on every project it declares. When `define`
   * returns a promise (an async definition), the source stays recorded until it settles.
   */
  public withSource<T>(source: string, define: () => T): T {
    this.setSource(source);
    let result: T;
    try {
      result = define();
    } catch (e) {
      this.setSource(undefined);
      throw e;
    }
    if (isThenable(result)) return Promise.resolve(result).finally(() => this.setSource(undefined)) as T;
    this.setSource(undefined);
    return result;
  }

  private setSource(source: string | undefined): void {
    this.source = source;
    for (const c of this.byName.values()) c.currentSource = source;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
