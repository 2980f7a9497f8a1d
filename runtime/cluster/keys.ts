// The names of everything tsray keeps in a cluster's Redis, in one place, all under "tsray:".

export const keys = {
  /** Hash: node id -> its record (registry.ts). */
  nodes: "tsray:nodes",
  /** Present while the node agent is alive (it renews the expiry). */
  nodeAlive: (nodeId: string) => `tsray:node:${nodeId}:alive`,
  /** Stream: the batches of jobs placed on the node, queued or running (node/job-inbox.ts). */
  nodeJobs: (nodeId: string) => `tsray:node:${nodeId}:jobs`,
  /** What the node runs now (registry.ts), renewed with its heartbeat. */
  nodeView: (nodeId: string) => `tsray:node:${nodeId}:view`,
  /** Set: the drivers connected (a node sweeps away what a driver gone without `shutdown` left). */
  drivers: "tsray:drivers",
  /** Present while the driver is alive (it renews the expiry). */
  driverAlive: (driverId: string) => `tsray:driver:${driverId}:alive`,
  /** An object's value or failure (values.ts), owned by the driver that made its ref. */
  object: (driverId: string, objectId: string) => `tsray:obj:${driverId}:${objectId}`,
  /** Every object of a driver, for freeing them all when it is gone. */
  objectPattern: (driverId: string) => `tsray:obj:${driverId}:*`,
  /** List: the nodes' reports of the driver's jobs (wire.ts's TaskReport), in the order they ended. */
  reports: (driverId: string) => `tsray:reports:${driverId}`,
  /** Pub/sub: what tasks print, for the driver that submitted them. */
  output: (driverId: string) => `tsray:out:${driverId}`,
  /** Pub/sub: calls a node's tasks make to the driver's actors (wire.ts's ForeignCall). */
  calls: (driverId: string) => `tsray:calls:${driverId}`,
  /** Pub/sub: cancels of tasks running on a node (wire.ts's Cancel). */
  cancels: (nodeId: string) => `tsray:cancels:${nodeId}`,
  /** Pub/sub: the driver's answers to a node's calls (wire.ts's ForeignReply). */
  replies: (nodeId: string) => `tsray:replies:${nodeId}`,
};
