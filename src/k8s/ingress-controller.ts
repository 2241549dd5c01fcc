import { compare } from './compare';
import { BackendRecord, ServicePortRecord, ServiceRecord } from './manifests-kinds';
import { Labels } from './names';
import { WorkloadRecord } from './workloads';

/**
 * What an ingress controller is configured to send to workloads, computed from Ingress and
 * OpenShift Route objects the way np-guard's connlist does it (np-guard/netpol-analyzer
 * `pkg/netpol/connlist/internal/ingressanalyzer/ingress_analyzer.go`, and `getIngressAllowedConnections`
 * in `pkg/netpol/connlist/connlist.go`):
 *
 * 1. A Service counts only with a selector that selects at least one workload of its namespace
 *    (all selector labels equal on the workload's pod labels). A Service with an empty selector
 *    selects nothing: the API server stores it as no selector.
 * 2. Every Service backend of an Ingress (rules and default backend) or Route (`spec.to` and
 *    `alternateBackends` of kind Service) names a Service in the object's own namespace; a
 *    missing Service contributes nothing.
 * 3. The Service ports used: all of them when the backend names no port; otherwise the first
 *    Service port that matches it — by port name, by `port` number, or by `targetPort` (a number,
 *    or for a Route also a target port name).
 * 4. Each used Service port leads to its `targetPort` (or `port` when unset) on the selected
 *    workloads; a named target port is looked up in the workload's container ports and counts only
 *    when that port is TCP.
 * 5. A port counts only when the workload declares it as a container port (np-guard accepts a
 *    declared port of any protocol here); the connection is always TCP.
 * 6. The ports of all Ingress and Route objects are united per workload, then intersected with
 *    what NetworkPolicies allow from the ingress controller's pod to the workload on TCP
 *    (np-guard: a pod without labels in namespace `ingress-controller-ns`). That last step is the
 *    engine's: pass it as `allowed`.
 */

/** A workload that Ingress or Route objects send traffic to. */
export interface IngressControllerTarget {
  readonly workload: WorkloadRecord;
  /** TCP ports, sorted. */
  readonly ports: readonly number[];
  /** `Ingress ns/name` and `Route ns/name` objects that route there, sorted. */
  readonly via: readonly string[];
}

/** The namespace and name np-guard gives the ingress controller's pod, which carries no labels. */
export const NPGUARD_INGRESS_CONTROLLER = { namespace: 'ingress-controller-ns', name: 'ingress-controller' } as const;

/** Inputs of the computation: a subset of the reader's model. */
export interface IngressModel {
  readonly workloads: readonly WorkloadRecord[];
  readonly services: readonly ServiceRecord[];
  readonly ingresses: readonly { readonly namespace: string; readonly name: string; readonly backends: readonly BackendRecord[] }[];
  readonly routes: readonly { readonly namespace: string; readonly name: string; readonly backends: readonly BackendRecord[] }[];
}

/**
 * The workloads the ingress controller reaches and on which TCP ports (steps 1-6 above), sorted
 * by namespace, name and kind. `allowed(workload, port)` decides step 6: whether policies let
 * the controller reach the workload on that TCP port.
 */
export function ingressControllerConnections(model: IngressModel, allowed: (workload: WorkloadRecord, port: number) => boolean): IngressControllerTarget[] {
  const targets = new Map<WorkloadRecord, { ports: Set<number>; via: Set<string> }>();
  const route = (kind: 'Ingress' | 'Route', object: { namespace: string; name: string; backends: readonly BackendRecord[] }) => {
    for (const backend of object.backends) {
      const service = model.services.find((s) => s.namespace === object.namespace && s.name === backend.service);
      if (!service?.selector || Object.keys(service.selector).length === 0) continue;
      const selected = model.workloads.filter((w) => w.namespace === service.namespace && selects(service.selector as Labels, w.labels));
      for (const servicePort of usedPorts(service.ports, backend.port, kind)) {
        for (const workload of selected) {
          const port = podPort(servicePort, workload);
          if (port === undefined || !workload.ports.some((p) => p.containerPort === port)) continue;
          const target = targets.get(workload) ?? { ports: new Set<number>(), via: new Set<string>() };
          target.ports.add(port);
          target.via.add(`${kind} ${object.namespace}/${object.name}`);
          targets.set(workload, target);
        }
      }
    }
  };
  for (const ingress of model.ingresses) route('Ingress', ingress);
  for (const r of model.routes) route('Route', r);
  const out: IngressControllerTarget[] = [];
  for (const [workload, { ports, via }] of targets) {
    const open = [...ports].filter((p) => allowed(workload, p)).sort((a, b) => a - b);
    if (open.length) out.push({ workload, ports: open, via: [...via].sort(compare) });
  }
  return out.sort((a, b) => compare(a.workload.namespace, b.workload.namespace) || compare(a.workload.name, b.workload.name) || compare(a.workload.kind, b.workload.kind));
}

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function usedPorts(ports: readonly ServicePortRecord[], wanted: number | string | undefined, kind: 'Ingress' | 'Route'): readonly ServicePortRecord[] {
  if (wanted === undefined) return ports;
  const match = ports.find((p) =>
    typeof wanted === 'number' ? p.port === wanted || p.targetPort === wanted : p.name === wanted || (kind === 'Route' && p.targetPort === wanted),
  );
  return match ? [match] : [];
}

function podPort(servicePort: ServicePortRecord, workload: WorkloadRecord): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  const named = workload.ports.find((p) => p.name === servicePort.targetPort);
  return named && named.protocol === 'TCP' ? named.containerPort : undefined;
}
