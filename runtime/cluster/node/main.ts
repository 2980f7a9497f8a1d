// The node agent's process, as `tsray start` spawns it (detached, its output in the
// session's log): `node main.js <numCpus> <resources JSON>`, the address in TSRAY_NODE_ADDRESS
// (not on the command line, where `ps` would show its password). It tells its parent
// (over IPC) its node id once registered, or why it could not start, and stops cleanly on
// SIGTERM or SIGINT, leaving no key behind.
import { parseAddress } from "../address";
import { NodeAgent } from "./agent";

export type AgentMessage = { kind: "ready"; nodeId: string } | { kind: "failed"; reason: string };

function tell(message: AgentMessage): void {
  if (process.send) process.send(message);
}

async function main(): Promise<void> {
  const [cpusText, resourcesText] = process.argv.slice(2);
  const address = parseAddress(process.env.TSRAY_NODE_ADDRESS ?? "");
  delete process.env.TSRAY_NODE_ADDRESS; // the tasks it runs need not see it
  const agent = await NodeAgent.start(address, {
    numCpus: Number(cpusText),
    resources: JSON.parse(resourcesText || "{}") as Record<string, number>,
    onLost: (reason) => {
      console.error(`tsray node: ${reason}; stopping`);
      void agent.stop().finally(() => process.exit(1));
    },
  });
  const stop = () => void agent.stop().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  console.log(`tsray node ${agent.id} joined ${address.host}:${address.port}`);
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
