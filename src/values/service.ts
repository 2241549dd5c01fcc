import { dns1035LabelProblems, dnsLabelProblems, Labels, labelProblems } from '../k8s/names';
import { asList, listProblems, show } from './checks';
import { isPortName, mergePorts, Port, Protocol, suggestPortName } from './port';

/** One port of a Service. */
export interface ServicePort {
  /** Port the Service listens on. */
  readonly port: number;
  /** Port (number or container port name) of the pods; what NetworkPolicy matches. @default port */
  readonly targetPort?: number | string;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** Port name; required when the Service has several ports. */
  readonly name?: string;
}

/** What a NetworkPolicy needs to know about a Service: where its pods are and which ports they serve. */
export interface ServiceDescription {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Labels;
  readonly ports: readonly ServicePort[];
}

/** Anything that can stand as a Service peer of an allow-list entry (e.g. a `ProjectService`). */
export interface IServicePeer {
  /** The Service's namespace, name, selector and ports. */
  describeService(): ServiceDescription;
}

/**
 * The pods' ports behind a Service. NetworkPolicy is evaluated after the Service's DNAT, so these
 * (not the Service `port`) are what a policy must allow. KubeSphere uses `port`, which only works
 * when port and targetPort are equal.
 */
export function targetPorts(service: ServiceDescription): Port[] {
  return mergePorts(asList(service.ports).map((p) => Port.of({ protocol: p.protocol ?? 'TCP', port: p.targetPort ?? p.port })));
}

/** Problems with a Service description, as sentences naming the Service and the fix. */
export function serviceProblems(service: ServiceDescription): string[] {
  const id = `Service ${service.namespace}/${service.name}`;
  return [...dnsLabelProblems(`${id}: namespace`, service.namespace), ...dns1035LabelProblems(`${id}: name`, service.name), ...serviceSpecProblems(service)];
}

/** Problems with a Service's selector and ports (a Service construct checks its name as a construct name). */
export function serviceSpecProblems(service: ServiceDescription): string[] {
  const id = `Service ${service.namespace}/${service.name}`;
  const out: string[] = [];
  if (!service.selector || Object.keys(service.selector).length === 0) {
    out.push(`${id} has an empty selector, so no NetworkPolicy can select its pods; give the Service a pod selector (KubeSphere requires the same)`);
  }
  out.push(...labelProblems(`${id} selector`, service.selector));
  out.push(...listProblems(`${id}: ports`, service.ports, '[{ port: 80 }]'));
  const ports = asList(service.ports);
  if (Array.isArray(service.ports) && ports.length === 0) out.push(`${id} has no ports; list the ports it serves`);
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) {
      out.push(`${id}: ports[${i}] is ${show(p)}, not a Service port; write { port: ${typeof p === 'number' ? p : 80} }`);
      return;
    }
    const port = Port.of({ protocol: p.protocol ?? 'TCP', port: p.port });
    out.push(...(typeof p.port === 'number' ? port.problems : [`${id}: port ${JSON.stringify(p.port)} must be a number between 1 and 65535`]).map((m) => `${id}: ${m}`));
    if (p.targetPort !== undefined) {
      out.push(...Port.of({ protocol: p.protocol ?? 'TCP', port: p.targetPort }).problems.map((m) => `${id} targetPort: ${m}`));
    }
    if (ports.length > 1 && !p.name) out.push(`${id}: port ${p.port} needs a name because the Service has several ports`);
    if (p.name !== undefined && !isPortName(p.name)) {
      const suggestion = typeof p.name === 'string' ? suggestPortName(p.name) : undefined;
      out.push(`${id}: port name ${JSON.stringify(p.name)} is not a valid port name; use at most 15 lowercase letters, digits and single '-', with at least one letter${suggestion ? `, e.g. "${suggestion}"` : ''}`);
    }
    if (p.name) {
      if (names.has(p.name)) out.push(`${id}: port name "${p.name}" is used twice; give each port its own name`);
      names.add(p.name);
    }
  });
  return [...new Set(out)];
}
