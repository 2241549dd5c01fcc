/// <reference types="jest" />
import { EndpointRef, Explanation, parseCidr, parseIp } from '../analysis';
import { Cluster } from '../constructs/cluster';
import { ClusterAnalysis, analyzeCluster, representative } from '../report/analyze';
import { IpBlock } from '../values/ip-block';
import { Port } from '../values/port';

/**
 * One end of an expected flow:
 * - `'project'`: **every** workload declared in the project (or namespace), each checked on its own;
 *   a workload is not checked against itself when a project is expanded (`from: 'a', to: 'a'`
 *   checks every pair of distinct workloads of `a`);
 * - `'project/workload'`: one declared workload;
 * - the name of an external address (an `ExternalHost`, or a CIDR an allow-list or exposure names,
 *   e.g. `'192.168.1.1/32'`, which stands for one address of it);
 * - `{ ip }` or a bare IP address: any address, e.g. a client the definitions do not name.
 */
export type FlowEnd = string | { readonly ip: string };

/** A connection the cluster should allow or deny. */
export interface FlowExpectation {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** A single port (`Port.tcp(80)`) or a named container port of the destination (`Port.tcp('redis')`). */
  readonly port: Port;
}

/** The matchers `netiso/testing` registers with `expect.extend`. */
export const netisoMatchers = {
  /** Passes when every pair the expectation names is allowed. */
  toAllow(received: unknown, flow: FlowExpectation): jest.CustomMatcherResult {
    return match(received, flow, true);
  },
  /** Passes when every pair the expectation names is denied. */
  toDeny(received: unknown, flow: FlowExpectation): jest.CustomMatcherResult {
    return match(received, flow, false);
  },
};

function match(received: unknown, flow: FlowExpectation, allow: boolean): jest.CustomMatcherResult {
  if (!isCluster(received)) throw new Error(`${allow ? 'toAllow' : 'toDeny'} expects a netiso Cluster, got ${typeof received}`);
  const analysis = analyzeCluster(received);
  const port = portQuery(flow.port);
  const froms = resolve(analysis, flow.from);
  const tos = resolve(analysis, flow.to);
  // A project expands to each of its workloads; a workload talking to itself is not a flow between them.
  const expanded = isNamespaceEnd(flow.from) || isNamespaceEnd(flow.to);
  const what = `${describeEnd(flow.from)} -> ${describeEnd(flow.to)} on ${flow.port}`;
  const explanations: Explanation[] = [];
  for (const from of froms) {
    for (const to of tos) {
      if (expanded && sameWorkload(from, to)) continue;
      explanations.push(analysis.engine.explain({ from, to, ...port }));
    }
  }
  if (explanations.length === 0) {
    throw new Error(`${what} names no pair of distinct workloads in cluster ${received.name}; a workload is not checked against itself, so declare a second workload or name a single one on both ends`);
  }
  const wrong = explanations.filter((e) => e.verdict.allowed !== allow);
  return {
    pass: wrong.length === 0,
    message: () => wrong.length
      ? `expected ${what} to be ${allow ? 'allowed' : 'denied'} in cluster ${received.name}, but:\n${wrong.map((e) => e.text).join('\n')}`
      : `expected ${what} not to be ${allow ? 'allowed' : 'denied'} in cluster ${received.name}, but it is:\n${explanations.map((e) => e.text).join('\n')}`,
  };
}

function isCluster(x: unknown): x is Cluster {
  return typeof x === 'object' && x !== null && typeof (x as Cluster).render === 'function' && Array.isArray((x as Cluster).projects);
}

function portQuery(port: Port): { port: number | string; protocol: Port['protocol'] } {
  if (port.port === undefined || (port.endPort !== undefined && port.endPort !== port.port)) {
    throw new Error(`expected flows need a single port, not ${port}; use e.g. Port.tcp(80)`);
  }
  return { port: port.port, protocol: port.protocol };
}

function describeEnd(end: FlowEnd): string {
  return typeof end === 'string' ? end : end.ip;
}

function isNamespaceEnd(end: FlowEnd): boolean {
  return typeof end === 'string' && !end.includes('/') && parseIp(end) === undefined;
}

function sameWorkload(a: EndpointRef, b: EndpointRef): boolean {
  return typeof a === 'object' && typeof b === 'object' && 'namespace' in a && 'namespace' in b && a.namespace === b.namespace && a.name === b.name;
}

function resolve(analysis: ClusterAnalysis, end: FlowEnd): EndpointRef[] {
  if (typeof end !== 'string') return [{ ip: end.ip }];
  if (analysis.externals.some((e) => e.name === end)) return [{ external: end }];
  if (parseIp(end)) return [{ ip: end }];
  if (parseCidr(end)) {
    const ip = representative(IpBlock.of(end));
    throw new Error(`${end} is a CIDR that no allow-list or exposure of cluster ${analysis.cluster.name} names; `
      + `use { ip: ${JSON.stringify(ip ?? 'an address')} } for one address of it, or declare it with new ExternalHost(cluster, 'name', { ip })`);
  }
  const slash = end.indexOf('/');
  if (slash >= 0) {
    const [namespace, name] = [end.slice(0, slash), end.slice(slash + 1)];
    if (!analysis.workloads.some((w) => w.namespace === namespace && w.name === name)) {
      throw new Error(`no workload ${end} is declared in cluster ${analysis.cluster.name}; declare it with new Workload(project, ${JSON.stringify(name)}, { labels })`);
    }
    return [{ namespace, name }];
  }
  const workloads = analysis.workloads.filter((w) => w.namespace === end);
  if (workloads.length === 0) {
    throw new Error(`${JSON.stringify(end)} is neither an external address nor a namespace with declared workloads in cluster ${analysis.cluster.name}; declare its pods with new Workload(…)`);
  }
  return workloads.map((w) => ({ namespace: w.namespace, name: w.name }));
}
