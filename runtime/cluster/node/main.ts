// The node agent's process, as `tsray start` spawns it (detached, its output in the
// session's log): `node main.js <numCpus> <resources JSON>`, the address in TSRAY_NODE_ADDRESS
// (not on the command line, where `ps` would show its password). It tells its parent
// (over IPC) its node id once registered, or why it could not start, and stops cleanly on
// SIGTERM or SIGINT, leaving no key behind. Counted dead by the cluster (frozen, or cut off
// from Redis, past its heartbeat's life), it joins again as a new node.
import { parseAddress } from "../address";
import { NodeAgent } from "./agent";
import type { NodeLoss } from "./heartbeat";

export type AgentMessage = { kind: "ready"; nodeId: string } | { kind: "failed"; reason: string };

function tell(message: AgentMessage): void {
  if (process.send) process.send(message);
}

/** How long a node counted dead waits before it joins again: Redis may just be coming back. */
const REJOIN_AFTER_MS = 500;

async function main(): Promise<void> {
  const [cpusText, resourcesText] = process.argv.slice(2);
  const address = parseAddress(process.env.TSRAY_NODE_ADDRESS ?? "");
  delete process.env.TSRAY_NODE_ADDRESS; // the tasks it runs need not see it
  const options = { numCpus: Number(cpusText), resources: JSON.parse(resourcesText || "{}") as Record<string, number> };
  let agent: NodeAgent;
  const join = async (): Promise<NodeAgent> => {
    const joined: NodeAgent = await NodeAgent.start(address, { ...options, onLost: (loss) => void afterLoss(joined, loss) });
    console.log(`tsray node ${joined.id} joined ${address.host}:${address.port}`);
    return joined;
  };
  // A node the cluster counted dead (its tasks already placed elsewhere) does not come back
  // as itself: this process joins again as a new node, as a Ray node does.
  const afterLoss = async (lost: NodeAgent, { reason, rejoin }: NodeLoss): Promise<void> => {
    console.error(`tsray node ${lost.id}: ${reason}; ${rejoin ? "joining again as a new node" : "stopping"}`);
    await lost.stop({ keepRecord: true });
    if (!rejoin) process.exit(1);
    await new Promise((resolve) => setTimeout(resolve, REJOIN_AFTER_MS));
    try {
      agent = await join();
    } catch (error) {
      console.error(`tsray node: could not join again: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  agent = await join();
  const stop = () => void agent.stop().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  tell({ kind: "ready", nodeId: agent.id });
  process.channel?.unref();
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`tsray node: ${reason}`);
  tell({ kind: "failed", reason });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
