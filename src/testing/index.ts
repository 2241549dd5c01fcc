/// <reference types="jest" />
/**
 * Jest matchers for netiso clusters. Import once in a test file (or a `setupFilesAfterEnv`
 * module) to register them:
 *
 * ```ts
 * import 'netiso/testing';
 * expect(cluster).toAllow({ from: 'demo-project-2', to: 'demo-project/tomcat', port: Port.tcp(80) });
 * ```
 */
import { FlowExpectation, netisoMatchers } from './matchers';

export { netisoMatchers } from './matchers';
export type { FlowEnd, FlowExpectation } from './matchers';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Every workload pair (see `FlowEnd`) may connect on the port; the failure message says which policy denied. */
      toAllow(flow: FlowExpectation): R;
      /** No workload pair may connect on the port; the failure message says which rule allowed. */
      toDeny(flow: FlowExpectation): R;
    }
  }
}

expect.extend(netisoMatchers);
