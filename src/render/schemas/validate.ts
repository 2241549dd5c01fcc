import Ajv, { ValidateFunction } from 'ajv';
import { Manifest } from '../model';
import { CILIUM_NETWORK_POLICY_SCHEMA } from './cilium';
import { GRPC_ROUTE_SCHEMA, HTTP_ROUTE_SCHEMA } from './gateway-api';

const SCHEMAS: Readonly<Record<string, object>> = {
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTP_ROUTE_SCHEMA,
  'gateway.networking.k8s.io/v1/GRPCRoute': GRPC_ROUTE_SCHEMA,
  'cilium.io/v2/CiliumNetworkPolicy': CILIUM_NETWORK_POLICY_SCHEMA,
};

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    compiled = new Map(Object.entries(SCHEMAS).map(([key, schema]) => [key, ajv.compile(schema)]));
  }
  return compiled;
}

/** The kinds {@link schemaProblems} knows, as `apiVersion/kind`. */
export const SCHEMA_KINDS: readonly string[] = Object.keys(SCHEMAS);

/**
 * What is wrong with a manifest of a kind netiso validates against a transcribed CRD schema
 * (Gateway API routes, CiliumNetworkPolicy), one line per error; empty when valid or when netiso
 * has no schema for the kind.
 */
export function schemaProblems(manifest: Manifest): string[] {
  const validate = validators().get(`${manifest.apiVersion}/${manifest.kind}`);
  if (!validate || validate(manifest as unknown)) return [];
  return (validate.errors ?? []).map((e) => `${manifest.kind} ${manifest.metadata.name}: ${e.instancePath || '/'} ${e.message}`);
}

/**
 * Returns the manifest, or throws when it breaks its schema. Inputs are validated before
 * rendering, so a failure here is a netiso bug, never a user's mistake.
 */
export function checked(manifest: Manifest): Manifest {
  const problems = schemaProblems(manifest);
  if (problems.length) throw new Error(`internal error: netiso rendered an invalid object:\n  ${problems.join('\n  ')}`);
  return manifest;
}
