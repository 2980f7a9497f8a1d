// `import * as ray from "tsray"` (and the `ray` preloaded in every cell): API.md sections 2-4.
export { init, shutdown, isInitialized, remote, kill, get, wait, put, cancel, nodes, clusterResources, availableResources, timeline, getWebuiUrl } from "./api";
export type { RayContext, NodeInfo } from "./api";
export type { InitOptions } from "./driver";
export { ObjectRef } from "./object-ref";
export { RemoteFunction } from "./remote-function";
export type { RemoteOptions } from "./remote-function";
export { exceptions } from "./errors";
export { ActorClass, ActorHandleCore, ActorMethod } from "./actor";
export type { ActorHandle, ActorOptions, MethodOptions } from "./actor";
