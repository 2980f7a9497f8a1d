// The cluster's nodes, as Redis holds them: each node agent writes its record once and keeps
// a key with a short expiry alive (its heartbeat). A node whose key has expired is dead:
// killed, or cut off from Redis. Drivers and `tsray status` read the registry; nodes
// never read each other.
import type { Redis } from "ioredis";
import type { NodeInfo, NodeView } from "../core/views";
import { keys } from "./keys";

/** How often a node renews its key, and how long the key outlives a missed renewal. */
export const HEARTBEAT_MS = 500;
export const ALIVE_FOR_MS = 2000;

export interface NodeRecord {
  id: string;
  hostname: string;
  /** The address other machines reach it by (the one it reached Redis from). */
  address: string;
  /** CPU and the custom resources it offers. */
  resources: Record<string, number>;
  pid: number;
  startedAt: number;
}

export interface RegisteredNode extends NodeRecord {
  alive: boolean;
}

/** A node as `ray.nodes()` lists it. */
export function nodeInfoOf(node: RegisteredNode): NodeInfo {
  return { NodeID: node.id, Alive: node.alive, NodeManagerAddress: node.address, NodeManagerHostname: node.hostname, Resources: { ...node.resources } };
}

export async function registerNode(redis: Redis, record: NodeRecord): Promise<void> {
  await redis.multi().hset(keys.nodes, record.id, JSON.stringify(record)).set(keys.nodeAlive(record.id), "1", "PX", ALIVE_FOR_MS).exec();
}

/**
 * The heartbeat: the node is alive, and this is what it runs now (the dashboard's view of it).
 * False if its key had expired: the cluster counts it dead (its tasks placed elsewhere), and a
 * dead node stays dead (the key is renewed only while it exists: SET XX); it may join again
 * as a new node.
 */
export async function renewNode(redis: Redis, nodeId: string, view: NodeView): Promise<boolean> {
  const results = await redis.multi().set(keys.nodeAlive(nodeId), "1", "PX", ALIVE_FOR_MS, "XX").set(keys.nodeView(nodeId), JSON.stringify(view), "PX", ALIVE_FOR_MS).exec();
  return results?.[0]?.[1] === "OK";
}

/** The nodes' latest views, by position (none for a node that has not sent one). */
export async function readViews(redis: Redis, nodeIds: string[]): Promise<(NodeView | undefined)[]> {
  if (nodeIds.length === 0) return [];
  const texts = await redis.mget(...nodeIds.map((id) => keys.nodeView(id)));
  return texts.map((text) => (text ? (JSON.parse(text) as NodeView) : undefined));
}

/** A node that stops on purpose leaves no key behind. */
export async function unregisterNode(redis: Redis, nodeId: string): Promise<void> {
  await redis.multi().hdel(keys.nodes, nodeId).del(keys.nodeAlive(nodeId)).del(keys.nodeView(nodeId)).exec();
}

/** Every registered node, dead ones included, oldest first. */
export async function readNodes(redis: Redis): Promise<RegisteredNode[]> {
  const records = Object.values(await redis.hgetall(keys.nodes)).map((text) => JSON.parse(text) as NodeRecord);
  if (records.length === 0) return [];
  const alive = await redis.mget(...records.map((record) => keys.nodeAlive(record.id)));
  return records.map((record, i) => ({ ...record, alive: alive[i] !== null })).sort((a, b) => a.startedAt - b.startedAt);
}
