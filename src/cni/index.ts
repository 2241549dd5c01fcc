export { Cni, semanticsOf } from './cni';
export { CNI_PROFILES, cniProfile } from './names';
export type { CalicoOptions, CiliumOptions, TerwayOptions, KubeProxyProps } from './cni';
export { SPEC_SEMANTICS } from './semantics';
export type { DataplaneSemantics, DataplaneEntity, ServiceHop, ServiceSource, ServiceSources } from './semantics';
export type { CalicoDataplane, CiliumServiceMode, PeerMatch, ProfileTable } from './profiles';
