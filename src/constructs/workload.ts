import { Construct, IConstruct } from 'constructs';
import { isStrictIp } from '../values/ip-block';
import { asList, listProblems, show } from '../values/checks';
import { dnsLabelProblems, Labels, labelProblems } from '../k8s/names';
import { isPortName, PROTOCOLS, Protocol } from '../values/port';
import type { Cluster } from './cluster';
import { uniqueId } from './part';
import type { IsolatedProject } from './project';

/** A container port of a {@link Workload}. */
export interface WorkloadPort {
  /** Port name, for rules that name ports (`Port.tcp('redis')`). @default unnamed */
  readonly name?: string;
  readonly containerPort: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

/** Props of a {@link Workload}. */
export interface WorkloadProps {
  /** The pods' labels, as in the pod template; must not be empty. */
  readonly labels: Labels;
  /** Ports the pods listen on; the explain report probes these. @default none: the workload only connects out */
  readonly ports?: readonly WorkloadPort[];
  /** A pod address, for ipBlock rules that would match pod addresses. @default none: no ipBlock matches it */
  readonly ip?: string;
  /**
   * Namespace of a workload declared on the cluster rather than in a project, e.g. Prometheus in
   * `kubesphere-monitoring-system` or CoreDNS in `kube-system`. Required then, refused in a project.
   */
  readonly namespace?: string;
}

/**
 * Pods of a Deployment, StatefulSet or DaemonSet, declared for **analysis only**: netiso does not
 * deploy workloads and a `Workload` emits no manifest. `netiso explain` and the jest matchers use
 * workloads to answer "may these pods reach those?" on concrete pairs.
 *
 * Declare it in a project (`new Workload(project, 'nginx', { labels })`), or on the cluster with a
 * `namespace` for pods of namespaces netiso does not manage. Workload names are separate from
 * Service and allow-list entry names, so a Deployment and its Service may share a name.
 */
export class Workload extends Construct {
  /** Workloads declared directly in `scope` (a project or a cluster), in declaration order. */
  public static of(scope: IConstruct): Workload[] {
    return scope.node.children.filter(isWorkload);
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly labels: Labels;
  public readonly ports: readonly WorkloadPort[];
  public readonly ip?: string;
  /** @internal marker used instead of instanceof, which breaks across duplicated packages */
  public readonly isWorkload = true;

  constructor(scope: IsolatedProject | Cluster, name: string, props: WorkloadProps) {
    super(scope, uniqueId(scope, `workload:${name}`));
    const project = 'isIsolatedProject' in scope ? scope : undefined;
    this.name = name;
    props = props ?? ({} as WorkloadProps);
    this.namespace = project ? project.name : props.namespace ?? '';
    this.labels = props.labels;
    this.ports = asList(props.ports);
    this.ip = props.ip;
    // The engine identifies workloads by namespace/name across the whole cluster, whichever scope
    // declared them, so uniqueness is checked there rather than per construct scope.
    const cluster = project ? project.cluster : (scope as Cluster);
    let byName = workloadsByName.get(cluster);
    if (!byName) workloadsByName.set(cluster, byName = new Map());
    const key = `${this.namespace}/${name}`;
    const same = byName.get(key);
    if (same) same.push(this); else byName.set(key, [this]);
    this.node.addValidation({ validate: () => [...listProblems('ports', props.ports, '[{ containerPort: 80 }]'), ...this.problems(project !== undefined, props.namespace, byName!.get(key)!)] });
  }

  private problems(inProject: boolean, namespace: string | undefined, sameName: readonly Workload[]): string[] {
    const out = [...dnsLabelProblems('workload name', this.name), ...labelProblems(`labels of workload ${this.name}`, this.labels)];
    const first = sameName[0];
    if (first !== this && (inProject || namespace !== undefined)) {
      if (first.node.scope === this.node.scope) {
        out.push(`workload name "${this.name}" is used twice in ${this.namespace}; give each workload its own name`);
      } else {
        out.push(`workload ${this.namespace}/${this.name} is declared ${place(this)} and ${place(first)}; declare it once, or give each workload its own name`);
      }
    }
    if (inProject && namespace !== undefined) out.push(`workload ${this.name} is declared in project ${this.namespace} and cannot set namespace; remove namespace or declare it on the cluster`);
    if (!inProject) {
      if (namespace === undefined) out.push(`workload ${this.name} is declared on the cluster without a namespace; set namespace, or declare it in its project`);
      else out.push(...dnsLabelProblems(`namespace of workload ${this.name}`, namespace));
    }
    if (!this.labels || Object.keys(this.labels).length === 0) {
      out.push(`workload ${this.name} has no labels, so no policy can tell it apart from the other pods of its namespace; give the pod template's labels, e.g. { app: '${this.name}' }`);
    }
    if (this.ip !== undefined && !isStrictIp(this.ip)) out.push(`workload ${this.name}: ip ${JSON.stringify(this.ip)} is not an IP address`);
    const names = new Set<string>();
    for (const p of this.ports) {
      if (typeof p !== 'object' || p === null) {
        out.push(`workload ${this.name}: port ${show(p)} is not a container port; write { containerPort: ${typeof p === 'number' ? p : 80} }`);
        continue;
      }
      const what = `workload ${this.name}: port ${p.name ?? p.containerPort}`;
      if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
        out.push(`${what}: containerPort ${p.containerPort} is outside 1-65535; use a whole number between 1 and 65535`);
      }
      if (p.protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(p.protocol)) out.push(`${what}: protocol ${JSON.stringify(p.protocol)} is not TCP, UDP or SCTP`);
      if (p.name !== undefined) {
        if (!isPortName(p.name)) out.push(`${what}: name ${JSON.stringify(p.name)} is not a port name (1-15 lower-case letters, digits and '-', with a letter)`);
        if (names.has(p.name)) out.push(`${what}: name ${JSON.stringify(p.name)} is used twice; port names must be unique`);
        names.add(p.name);
      }
    }
    return out;
  }
}

// Workloads of each cluster by `namespace/name`, in declaration order.
const workloadsByName = new WeakMap<Cluster, Map<string, Workload[]>>();

function place(w: Workload): string {
  const scope = w.node.scope as IConstruct & { readonly isIsolatedProject?: boolean };
  return scope.isIsolatedProject ? `in project ${w.namespace}` : `on the cluster with namespace ${w.namespace}`;
}

/** @internal */
export function isWorkload(c: unknown): c is Workload {
  return (c as { readonly isWorkload?: boolean }).isWorkload === true;
}

/** Props of an {@link ExternalHost}. */
export interface ExternalHostProps {
  /** The host's address. */
  readonly ip: string;
}

/**
 * A named address outside the cluster (a database VM, an office client), declared on the cluster
 * for **analysis only**; it emits nothing. `netiso explain` also derives one representative address
 * per CIDR of `ExternalWhitelist` entries and exposure `clients`; declare a host to give an address
 * a name or to probe one the allow-lists do not mention.
 */
export class ExternalHost extends Construct {
  /** External hosts declared on `cluster`, in declaration order. */
  public static of(cluster: Cluster): ExternalHost[] {
    return cluster.node.children.filter((c): c is ExternalHost => (c as { readonly isExternalHost?: boolean }).isExternalHost === true);
  }

  public readonly name: string;
  public readonly ip: string;
  /** @internal marker used instead of instanceof */
  public readonly isExternalHost = true;

  constructor(cluster: Cluster, name: string, props: ExternalHostProps) {
    super(cluster, uniqueId(cluster, `external:${name}`));
    this.name = name;
    this.ip = props?.ip;
    this.node.addValidation({
      validate: () => [
        ...dnsLabelProblems('external host name', name),
        ...(this.node.id !== `external:${name}` ? [`external host name "${name}" is used twice; give each external host its own name`] : []),
        ...(isStrictIp(this.ip) ? [] : [`external host ${name}: ip ${JSON.stringify(this.ip)} is not an IP address`]),
      ],
    });
  }
}
