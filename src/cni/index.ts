export { CNI_NAMES, Cni, semanticsByName, semanticsOf } from './cni';
export type { CalicoOptions, CiliumOptions, TerwayOptions, KubeProxyProps } from './cni';
export { SPEC_SEMANTICS } from './semantics';
export type { DataplaneSemantics, DataplaneEntity, ServiceHop, ServiceSource, ServiceSources } from './semantics';
export type { CalicoDataplane, CiliumServiceMode, PeerMatch, ProfileTable } from './profiles';
