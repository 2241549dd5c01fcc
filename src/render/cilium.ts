import { EntityPolicySpec, EntityRuleSpec } from '../cni/compile';
import { Labels } from '../k8s/names';
import { Port } from '../values/port';
import { MANAGED_BY, Manifest } from './model';
import { checked } from './schemas/validate';

/**
 * Renders the entity part of a policy as a `cilium.io/v2` CiliumNetworkPolicy named like the
 * NetworkPolicy it belongs to. It only ever names reserved entities, on the declaration's ports, for
 * the declaration's pods: Cilium adds its allows to the NetworkPolicy's, so it opens exactly what
 * NetworkPolicy could not say.
 */
export function renderCiliumPolicy(namespace: string, spec: EntityPolicySpec): Manifest {
  return checked({
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: spec.name, namespace, labels: { ...MANAGED_BY } },
    spec: {
      endpointSelector: selector(spec.podSelector),
      ...(spec.ingress ? { ingress: spec.ingress.map((r) => ({ fromEntities: [...r.entities], ...toPorts(r) })) } : {}),
      ...(spec.egress ? { egress: spec.egress.map((r) => ({ toEntities: [...r.entities], ...toPorts(r) })) } : {}),
    },
  });
}

function selector(labels: Labels): { matchLabels?: Labels } {
  return Object.keys(labels).length ? { matchLabels: { ...labels } } : {};
}

/** Ports as Cilium writes them: strings, a range end, and port "0" for every port of a protocol. */
function toPorts(rule: EntityRuleSpec): { toPorts?: unknown[] } {
  if (rule.ports.length === 0) return {};
  return { toPorts: [{ ports: rule.ports.map(ciliumPort) }] };
}

function ciliumPort(p: Port): Record<string, unknown> {
  return {
    port: p.port === undefined ? '0' : String(p.port),
    ...(p.endPort !== undefined && p.endPort !== p.port ? { endPort: p.endPort } : {}),
    protocol: p.protocol,
  };
}
