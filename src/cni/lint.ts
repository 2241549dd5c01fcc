import type { PortSpec } from '../analysis/ports';
import type { LintFinding } from '../report/lint';
import { DataplaneSemantics, SPEC_SEMANTICS } from './semantics';

/**
 * The `cni-support` findings for one port entry of a rule: on the specification (no CNI profile)
 * a reminder that not every CNI enforces SCTP and port ranges; on a chosen profile an error exactly
 * where the CNI does not enforce them, saying what it does instead, and nothing where it does.
 */
export function portSupportFindings(subject: string, spec: PortSpec, dataplane: DataplaneSemantics = SPEC_SEMANTICS): LintFinding[] {
  const out: LintFinding[] = [];
  const generic = dataplane === SPEC_SEMANTICS;
  const range = spec.endPort !== undefined && spec.port !== undefined && spec.endPort !== spec.port ? `${spec.port}-${spec.endPort}` : undefined;
  if (spec.protocol === 'SCTP') {
    if (generic) out.push({ rule: 'cni-support', subject, message: 'uses SCTP, which not every CNI supports; check that yours enforces it' });
    else if (dataplane.sctp !== 'enforced') {
      out.push({
        rule: 'cni-support', severity: 'error', subject,
        message: `uses SCTP, for which ${dataplane.name} documents no policy enforcement, so what happens to this rule and to SCTP traffic is unknown (Cilium: set enable-sctp, sctp.enabled in the Helm chart, and sctp: true on the profile)`,
      });
    }
  }
  if (range !== undefined) {
    if (generic) out.push({ rule: 'cni-support', subject, message: `uses a port range (${range}, endPort), which not every CNI supports; check that yours enforces it` });
    else if (dataplane.endPort === 'port-only') {
      out.push({ rule: 'cni-support', severity: 'error', subject, message: `uses a port range (${range}, endPort), which ${dataplane.name} does not enforce: it allows only port ${spec.port}; list the ports, or upgrade (Cilium enforces ranges from 1.16)` });
    } else if (dataplane.endPort === 'policy-ignored') {
      out.push({ rule: 'cni-support', severity: 'error', subject, message: `uses a port range (${range}, endPort), and ${dataplane.name} does not apply a NetworkPolicy with endPort at all: the whole policy neither isolates nor allows; list the ports, or upgrade to Cilium 1.16` });
    }
  }
  return out;
}

/** Findings about the cluster's dataplane as a whole: no enforcement at all, masquerading of Service traffic. */
export function dataplaneFindings(cluster: string, dataplane: DataplaneSemantics): LintFinding[] {
  const out: LintFinding[] = [];
  if (!dataplane.enforcesNetworkPolicy) {
    out.push({
      rule: 'cni-support', severity: 'error', subject: `cluster ${cluster}`,
      message: `NetworkPolicy is not enforced on ${dataplane.name}: every generated policy is accepted and does nothing, so every flow is allowed; add a policy engine (e.g. Calico in canal mode, or kube-network-policies) and choose its profile`,
    });
  }
  if (dataplane.serviceSources.clusterIp.some((s) => s !== 'pod')) {
    out.push({
      rule: 'cni-support', subject: `cluster ${cluster}`,
      message: 'kube-proxy masqueradeAll SNATs all Service traffic to the node: pod and namespace selectors of ingress rules do not match connections made through a Service, and a pod reaches any pod of its own node through a Service whatever the policies; set masqueradeAll: false in the kube-proxy configuration',
    });
  }
  return out;
}
