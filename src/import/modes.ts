import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../k8s/read';
import { reservedNamespaceReason } from '../values/reserved';
import { Inputs } from './inputs';
import { arr, bool, KS, path } from './kubesphere';
import { ImportSeverity, Reporter } from './report';

/** `kubesphere-config`'s `kubesphere.yaml`: the feature gate and `allowedIngressNamespaces`. */
export interface Config {
  readonly present: boolean;
  readonly source: string;
  readonly enabled: boolean;
  readonly allowedIngressNamespaces: string[];
}

/** A workspace as the controller sees it. */
export interface WorkspaceInput {
  readonly isolation: boolean;
  /** e.g. `Workspace team-a` or `WorkspaceTemplate team-a`. */
  readonly source: string;
}

/** What KubeSphere does with a namespace: one of the three modes, or nothing the import can carry over. */
export type Mode =
  | { readonly isolation: 'project' | 'workspace' | 'none'; readonly workspace: string; readonly why: string }
  | { readonly skip: string; readonly severity: ImportSeverity; readonly workspace?: string };

/** Reads the feature gate and `allowedIngressNamespaces` from the ConfigMap, when the input has it. */
export function readConfig(cm: KubeObject | undefined, report: Reporter): Config {
  const source = `ConfigMap ${KS.configNamespace}/${KS.configMap}`;
  const ref = { kind: 'ConfigMap', namespace: KS.configNamespace, name: KS.configMap };
  if (!cm) {
    report('note', ref, 'not in the input: network policies are assumed enabled, with no allowedIngressNamespaces; add the ConfigMap to the input if that is not so');
    return { present: false, source, enabled: true, allowedIngressNamespaces: [] };
  }
  const text = path(cm, 'data', 'kubesphere.yaml');
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? parseYaml(text) : undefined;
  } catch (e) {
    throw new Error(`${source}: data.kubesphere.yaml is not valid YAML: ${(e as Error).message}`);
  }
  const network = path(parsed, 'network');
  const enabled = bool(path(network, 'enableNetworkPolicy'));
  const allowed = arr(path(network, 'nsnpOptions', 'allowedIngressNamespaces')).filter((n): n is string => typeof n === 'string');
  if (!enabled) {
    report('note', ref, 'network.enableNetworkPolicy is not true, so KubeSphere\'s network isolation controller does not run and enforces nothing; every namespace is imported without isolation');
  }
  return { present: true, source, enabled, allowedIngressNamespaces: allowed };
}

/**
 * Each workspace's isolation. The controller reads the Workspace; a WorkspaceTemplate (which the
 * console edits) only reaches it through KubeSphere's workspace controller, so it counts when
 * the Workspace is not in the input.
 */
export function workspaceInputs(inputs: Inputs, report: Reporter): Map<string, WorkspaceInput> {
  const workspaces = new Map<string, WorkspaceInput>();
  for (const t of inputs.workspaceTemplates.values()) {
    workspaces.set(t.metadata!.name!, { isolation: bool(path(t, 'spec', 'template', 'spec', 'networkIsolation')), source: `WorkspaceTemplate ${t.metadata!.name}` });
  }
  for (const w of inputs.workspaces.values()) {
    const name = w.metadata!.name!;
    const isolation = bool(path(w, 'spec', 'networkIsolation'));
    const template = workspaces.get(name);
    if (template && template.isolation !== isolation) {
      report('note', { kind: 'Workspace', name }, `networkIsolation is ${isolation} on the Workspace but ${template.isolation} on its WorkspaceTemplate; the controller reads the Workspace, so ${isolation} is used`);
    }
    workspaces.set(name, { isolation, source: `Workspace ${name}` });
  }
  for (const w of [...inputs.workspaces.values(), ...inputs.workspaceTemplates.values()]) {
    if (w.metadata?.annotations?.[KS.isolateAnnotation] === 'enabled') {
      report('skipped', { kind: w.kind!, name: w.metadata.name! }, `the annotation ${KS.isolateAnnotation}: enabled requests workspace isolation in KubeSphere 4.x, whose closed-source controller the import does not reproduce; set networkIsolation: true on the Workspace in the generated file if you relied on it`);
    }
  }
  return workspaces;
}

/**
 * KubeSphere's decision table for every namespace of the input (research notes §2.1), plus the
 * namespaces netiso will not take as projects. Reports every namespace that is not imported.
 */
export function namespaceModes(inputs: Inputs, workspaces: ReadonlyMap<string, WorkspaceInput>, config: Config, report: Reporter): Map<string, Mode> {
  const modes = new Map<string, Mode>();
  for (const ns of inputs.namespaces.values()) {
    const name = ns.metadata!.name!;
    const mode = reserved(name, modeOf(ns, workspaces, config), config);
    modes.set(name, mode);
    if ('skip' in mode) report(mode.severity, { kind: 'Namespace', name }, mode.skip);
  }
  return modes;
}

function modeOf(ns: KubeObject, workspaces: ReadonlyMap<string, WorkspaceInput>, config: Config): Mode {
  const workspace = ns.metadata?.labels?.[KS.workspaceLabel];
  const annotated = ns.metadata?.annotations?.[KS.isolateAnnotation] === 'enabled';
  if (!workspace) {
    return {
      severity: 'note',
      skip: `has no ${KS.workspaceLabel} label, so KubeSphere never isolates it${annotated ? ` (its ${KS.isolateAnnotation}: enabled annotation has no effect)` : ''}; not imported`,
    };
  }
  const ws = workspaces.get(workspace);
  if (!ws) {
    return {
      severity: 'skipped',
      workspace,
      skip: `belongs to workspace ${workspace}, which is not in the input (KubeSphere then leaves the namespace's policies as they are, so its state is unknown); add the Workspace or WorkspaceTemplate to the input`,
    };
  }
  if (!config.enabled) return { isolation: 'none', workspace, why: `network.enableNetworkPolicy is not true in ${config.source}, so KubeSphere's controller does not run` };
  if (annotated) return { isolation: 'project', workspace, why: `${KS.isolateAnnotation}: enabled` };
  if (ws.isolation) return { isolation: 'workspace', workspace, why: `workspace ${workspace} has networkIsolation: true` };
  return { isolation: 'none', workspace, why: `isolation is off: no ${KS.isolateAnnotation}: enabled annotation, and workspace ${workspace} is not isolated` };
}

/** netiso refuses projects named like the cluster's own namespaces (`kube-*`, DNS, allowed ingress namespaces). */
function reserved(name: string, mode: Mode, config: Config): Mode {
  const reason = reservedNamespaceReason(name, { dnsNamespace: KS.dnsNamespace, allowedIngressNamespaces: config.allowedIngressNamespaces });
  if (!reason || 'skip' in mode) return mode;
  return mode.isolation === 'none'
    ? { severity: 'note', workspace: mode.workspace, skip: `not imported, as one of the cluster's own namespaces, which netiso never makes a project: ${reason}; KubeSphere does not isolate it either, so nothing changes` }
    : {
      severity: 'skipped',
      workspace: mode.workspace,
      skip: `KubeSphere isolates it (${mode.why}), but it is one of the cluster's own namespaces, which netiso never makes a project: ${reason}; not imported, so after the cutover it is not isolated`,
    };
}
