// `import * as ray from "tsray"` (and the `ray` preloaded in every cell): API.md sections 2-4.
export { remote, kill, get, wait, put, cancel, nodes, clusterResources, availableResources, timeline } from "./api/ray";
export { init, shutdown, isInitialized, getWebuiUrl } from "./api/session";
export type { NodeInfo } from "./api/ray";
export type { RayContext } from "./api/session";
export type { InitOptions } from "./core/init-options";
export { ObjectRef } from "./core/object-ref";
export { RemoteFunction } from "./api/remote-function";
export type { RemoteOptions } from "./api/remote-function";
export { exceptions } from "./core/errors";
export { ActorClass, ActorHandleCore, ActorMethod } from "./api/actor";
export type { ActorHandle, ActorOptions, MethodOptions } from "./api/actor";

/**
 * `ray.clusterUtils.startLocalCluster([{ numCpus: 2 }, { numCpus: 2 }])`: a cluster of node
 * processes on this machine (Ray's cluster_utils.Cluster), for a lesson or a test; loaded
 * only when called (it needs redis-server on PATH).
 */
export const clusterUtils = {
  startLocalCluster: (nodes: import("./cluster/launch/local-cluster").NodeOptions[]): Promise<import("./cluster/launch/local-cluster").LocalCluster> =>
    (require("./cluster/launch/local-cluster") as typeof import("./cluster/launch/local-cluster")).startLocalCluster(nodes),
};
