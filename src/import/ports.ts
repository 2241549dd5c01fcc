import { PROTOCOLS } from '../k8s/protocol';
import type { KubeObject } from '../k8s/read';
import { Port, Protocol } from '../values/port';
import type { ServicePort } from '../values/service';
import { arr, path, RawPort } from './kubesphere';

/** A port of an allow-list entry, as netiso's `Port` takes it. */
export interface PortModel {
  readonly protocol: Protocol;
  /** Number or named port; undefined for every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A Service port as read from the input; Kubernetes defaults the protocol to TCP, and so does the import. */
export type ServicePortModel = ServicePort & { readonly protocol: Protocol };

/**
 * A NamespaceNetworkPolicy port. KubeSphere copies it into the NetworkPolicy as it is, so a value
 * the API server refuses there (a protocol other than TCP, UDP and SCTP, a port outside 1-65535,
 * an invalid port name, a bad range) makes the whole policy fail: such problems go to `problems`.
 */
export function portModel(p: RawPort | undefined, problems: string[]): PortModel {
  const protocol = (p?.protocol ?? 'TCP') as Protocol;
  const model: PortModel = { protocol, port: p?.port ?? undefined, endPort: p?.endPort ?? undefined };
  if (!PROTOCOLS.includes(protocol)) {
    problems.push(`protocol ${JSON.stringify(p?.protocol)} is not TCP, UDP or SCTP, and the API server rejects the NetworkPolicy`);
    return model;
  }
  for (const problem of Port.of(model).problems) problems.push(`${problem.replace(/;.*$/, '')}, and the API server rejects the NetworkPolicy`);
  return model;
}

/** e.g. `TCP 80`, `all UDP ports`, `TCP 8000-8100`. */
export function portText(p: PortModel): string {
  if (p.port === undefined) return `all ${p.protocol} ports`;
  return `${p.protocol} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`;
}

/** A Service's ports; `targetPort` only where it differs from `port` (Kubernetes defaults it to `port`). */
export function servicePorts(svc: KubeObject): ServicePortModel[] {
  return arr(path(svc, 'spec', 'ports')).map((raw) => {
    const p = raw as { port: number; targetPort?: number | string; protocol?: Protocol; name?: string };
    return {
      port: p.port,
      targetPort: p.targetPort !== undefined && p.targetPort !== p.port ? p.targetPort : undefined,
      protocol: p.protocol ?? 'TCP',
      name: p.name,
    };
  });
}
