import { compare } from '../k8s/compare';
import type { Labels } from '../k8s/names';
import type { Direction } from '../values/direction';
import { DnsModel, dnsModel, snatNodeIps } from './cluster-settings';
import { Inputs } from './inputs';
import { KS } from './kubesphere';
import { namespaceModes, readConfig, workspaceInputs } from './modes';
import { translateNsnps } from './nsnp';
import type { PortModel, ServicePortModel } from './ports';
import { ImportReportItem, Reporter, sortReport } from './report';

export type { DnsModel, PortModel, ServicePortModel };

/** Options of the KubeSphere import. */
export interface ImportOptions {
  /** Name of the netiso cluster the definitions declare. @default 'kubesphere' */
  readonly cluster?: string;
  /**
   * Re-allow egress within a project once egress is locked down (netiso's default). KubeSphere
   * does not, so the import leaves it off unless asked, and nothing changes at cutover.
   * @default false
   */
  readonly egressWithinProject?: boolean;
  /**
   * Emit a `ProjectService` for each ClusterIP Service named by an egress or ingress entry, so that
   * netiso owns the Service object. Off by default: the Services exist already and belong to the
   * applications' own deployments (Helm, kustomize), and two owners fight over labels and fields.
   * @default false
   */
  readonly adoptServices?: boolean;
  /**
   * Emit the Namespace objects. Off by default: the namespaces exist, carry KubeSphere's labels,
   * and handing them to GitOps (which may prune them) is a separate decision.
   * @default false
   */
  readonly manageNamespaces?: boolean;
}

/** A Service as read from the input. */
export interface ServiceModel {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Labels;
  readonly ports: readonly ServicePortModel[];
  /** True when the import emits it as a `ProjectService` (see {@link ImportOptions.adoptServices}). */
  readonly adopted: boolean;
}

/** The other side of an internal entry. */
export type PeerModel =
  /** A namespace; `project` when it is imported as a project, so netiso checks the name. */
  | { readonly kind: 'project' | 'namespace'; readonly name: string; readonly podSelector?: Labels }
  | { readonly kind: 'service'; readonly service: ServiceModel };

/** One netiso allow-list entry. */
export interface EntryModel {
  readonly name: string;
  readonly kind: 'internal' | 'external';
  readonly direction: Direction;
  /** e.g. `NamespaceNetworkPolicy demo/policy-to-ab12cd, egress rule 1`. */
  readonly source: string;
  /** Why-comments for the reader of the generated file (deviations, drops). */
  readonly comments: readonly string[];
  readonly peers: readonly PeerModel[];
  readonly cidrs: ReadonlyArray<{ readonly cidr: string; readonly except: readonly string[] }>;
  readonly ports: readonly PortModel[];
}

/** One imported namespace. */
export interface ProjectModel {
  readonly name: string;
  readonly workspace: string;
  readonly isolation: 'project' | 'workspace' | 'none';
  /** Why KubeSphere used this mode, e.g. `annotation kubesphere.io/network-isolate: enabled`. */
  readonly why: string;
  readonly entries: readonly EntryModel[];
  /** Services the project emits (only with {@link ImportOptions.adoptServices}). */
  readonly services: readonly ServiceModel[];
}

/** One imported workspace and its namespaces. */
export interface WorkspaceModel {
  readonly name: string;
  readonly networkIsolation: boolean;
  /** e.g. `Workspace team-a` or `WorkspaceTemplate team-a`. */
  readonly source: string;
  readonly projects: readonly ProjectModel[];
}

/** What KubeSphere enforced for the input, shaped as netiso definitions. */
export interface ImportModel {
  readonly cluster: string;
  readonly options: Required<ImportOptions>;
  readonly allowedIngressNamespaces: readonly string[];
  /** Where `allowedIngressNamespaces` came from, when the ConfigMap was in the input. */
  readonly configSource?: string;
  readonly dns: DnsModel;
  /** Node addresses every isolated project admits (`kubesphere.io/snat-node-ips`), sorted. */
  readonly snatNodeIps: readonly string[];
  readonly workspaces: readonly WorkspaceModel[];
  /** Sorted: by severity, then object, then message. */
  readonly report: readonly ImportReportItem[];
}

/**
 * Works out what KubeSphere's v3.x controller enforces for the collected `inputs` (the mode
 * decision table, NamespaceNetworkPolicy translation, DNS, SNAT node IPs) and describes it as
 * netiso definitions. Pure and deterministic: the same objects in any order give the same model.
 * `report` holds what collecting the inputs reported already.
 */
export function buildModel(inputs: Inputs, options: ImportOptions = {}, report: ImportReportItem[] = []): ImportModel {
  const opts: Required<ImportOptions> = {
    cluster: options.cluster ?? 'kubesphere',
    egressWithinProject: options.egressWithinProject ?? false,
    adoptServices: options.adoptServices ?? false,
    manageNamespaces: options.manageNamespaces ?? false,
  };
  const add = reporterInto(report);
  const config = readConfig(inputs.configMap, add);
  const workspaces = workspaceInputs(inputs, add);
  const modes = namespaceModes(inputs, workspaces, config, add);
  const { entries, egressLocked, adopted } = translateNsnps(inputs, modes, config, opts.adoptServices, add);
  const dns = dnsModel(inputs.services, egressLocked, add);
  const snat = config.enabled ? snatNodeIps(inputs.snatNodes, add) : [];
  if (!config.enabled) {
    for (const node of inputs.snatNodes.keys()) add('note', { kind: 'Node', name: node }, `its ${KS.snatAnnotation} annotation is not carried over: KubeSphere's controller does not run (network.enableNetworkPolicy is not true)`);
  }

  const projects = new Map<string, ProjectModel[]>();
  for (const [name, mode] of [...modes].sort(([a], [b]) => compare(a, b))) {
    if ('skip' in mode) continue;
    const list = projects.get(mode.workspace) ?? [];
    list.push({ name, workspace: mode.workspace, isolation: mode.isolation, why: mode.why, services: adopted.get(name) ?? [], entries: entries.get(name) ?? [] });
    projects.set(mode.workspace, list);
  }
  return {
    cluster: opts.cluster,
    options: opts,
    allowedIngressNamespaces: config.allowedIngressNamespaces,
    configSource: config.present ? config.source : undefined,
    dns,
    snatNodeIps: snat,
    workspaces: [...workspaces].sort(([a], [b]) => compare(a, b)).map(([name, w]) => ({
      name, networkIsolation: w.isolation, source: w.source, projects: projects.get(name) ?? [],
    })),
    report: sortReport(report),
  };
}

/** A {@link Reporter} that appends to `items`. */
export function reporterInto(items: ImportReportItem[]): Reporter {
  return (severity, obj, message) => { items.push({ severity, kind: obj.kind, namespace: obj.namespace, name: obj.name, message }); };
}
