import { ingressControllerConnections } from '../../src/k8s/ingress-controller';
import { readManifestTexts } from '../../src/k8s/manifests';

const WORKLOADS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: c, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}, {name: dns, containerPort: 53, protocol: UDP}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: metrics, port: 9090}
  - {name: undeclared, port: 81, targetPort: 7777}
  - {name: dns, port: 53, targetPort: dns}
`;

const run = (objects: string, allowed: (port: number) => boolean = () => true) => {
  const model = readManifestTexts(new Map([['m.yaml', `${WORKLOADS}---\n${objects}`]]));
  expect(model.problems).toEqual([]);
  return ingressControllerConnections(model, (_w, port) => allowed(port)).map((t) => `${t.workload.namespace}/${t.workload.name} ${t.ports.join(',')} via ${t.via.join(', ')}`);
};

const ingress = (backend: string) => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing, namespace: shop}\nspec: {defaultBackend: {service: ${backend}}}\n`;
const route = (to: string, port = '') => `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: rt, namespace: shop}\nspec: {to: ${to}${port}}\n`;

describe("np-guard's ingress-controller connections", () => {
  test('a backend without port uses every Service port that leads to a declared TCP container port', () => {
    // http → 8080, metrics → 9090; 7777 is not declared; the named port dns is UDP.
    expect(run(ingress('{name: web}'))).toEqual(['shop/web 8080,9090 via Ingress shop/ing']);
  });

  test('a backend port picks the first Service port with that name, port or target port', () => {
    expect(run(ingress('{name: web, port: {number: 80}}'))).toEqual(['shop/web 8080 via Ingress shop/ing']);
    expect(run(ingress('{name: web, port: {name: metrics}}'))).toEqual(['shop/web 9090 via Ingress shop/ing']);
    expect(run(ingress('{name: web, port: {number: 7777}}'))).toEqual([]);
    expect(run(ingress('{name: web, port: {number: 1234}}'))).toEqual([]);
  });

  test('only Services of the Ingress namespace count; a missing Service contributes nothing', () => {
    expect(run(ingress('{name: nope}'))).toEqual([]);
    expect(run(ingress('{name: web}').replace('namespace: shop', 'namespace: other'))).toEqual([]);
  });

  test('a Service without selector, or with an empty one, selects nothing', () => {
    const unselected = `apiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: shop}\nspec: {selector: {}, ports: [{port: 8080}]}\n---\n`;
    expect(run(`${unselected}${ingress('{name: manual}')}`)).toEqual([]);
  });

  test('Routes: spec.to and Service alternate backends, target port by Service port name or target port name', () => {
    expect(run(route('{kind: Service, name: web}', ', port: {targetPort: http}'))).toEqual(['shop/web 8080 via Route shop/rt']);
    expect(run(route('{kind: Service, name: web}', ', port: {targetPort: metrics}'))).toEqual(['shop/web 9090 via Route shop/rt']);
    expect(run(route('{kind: Other, name: web}, alternateBackends: [{kind: Service, name: web}]', ', port: {targetPort: 9090}'))).toEqual(['shop/web 9090 via Route shop/rt']);
  });

  test('what policies do not allow from the controller is left out; objects are united per workload', () => {
    expect(run(`${ingress('{name: web, port: {number: 80}}')}---\n${route('{name: web}', ', port: {targetPort: 9090}')}`)).toEqual(['shop/web 8080,9090 via Ingress shop/ing, Route shop/rt']);
    expect(run(ingress('{name: web}'), (port) => port !== 9090)).toEqual(['shop/web 8080 via Ingress shop/ing']);
    expect(run(ingress('{name: web}'), () => false)).toEqual([]);
  });
});
