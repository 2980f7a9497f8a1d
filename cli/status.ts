// `tsray status [--address URL]`: the cluster's nodes as its registry in Redis holds them
// (alive while their heartbeat key is), with what each said in its last heartbeat (CPUs
// free, tasks running, actors alive), and the totals of the alive ones.
import type { NodeView } from "../runtime/core/views";
import { ClusterAddress, displayAddress, formatAddress, parseAddress, resolveAddress } from "../runtime/cluster/address";
import { checkedClient } from "../runtime/cluster/connect";
import { readNodes, readViews, RegisteredNode } from "../runtime/cluster/registry";
import { readSessionFile } from "../runtime/cluster/session-file";

export interface StatusCommandOptions {
  address?: string;
}

function otherResources(resources: Record<string, number>): string {
  const others = Object.entries(resources).filter(([name]) => name !== "CPU");
  return others.length ? others.map(([name, amount]) => `${name}: ${amount}`).join(", ") : "-";
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ")).join("\n");
}

function nodeTable(nodes: RegisteredNode[], views: (NodeView | undefined)[]): string {
  const header = ["NODE", "HOSTNAME", "ADDRESS", "STATE", "CPUS", "FREE", "RUNNING", "ACTORS", "OTHER RESOURCES"];
  const rows = nodes.map((node, i) => {
    const view = node.alive ? views[i] : undefined;
    const seen = (value: number | undefined) => (value === undefined ? "-" : String(value));
    const actors = view?.actors.filter((actor) => actor.state !== "dead").length;
    return [node.id.slice(0, 12), node.hostname, node.address, node.alive ? "alive" : "dead", String(node.resources.CPU ?? 0), seen(view?.available.CPU), seen(view?.running), seen(actors), otherResources(node.resources)];
  });
  return table([header, ...rows]);
}

function totals(nodes: RegisteredNode[]): string {
  const alive = nodes.filter((node) => node.alive);
  const sums: Record<string, number> = { CPU: 0 };
  for (const node of alive) for (const [name, amount] of Object.entries(node.resources)) sums[name] = (sums[name] ?? 0) + amount;
  const others = otherResources(sums);
  return `Total (${alive.length} alive node${alive.length === 1 ? "" : "s"}): ${sums.CPU} CPUs${others === "-" ? "" : `, ${others}`}`;
}

/** On the head, the address with its password (the session file there holds it), for joining. */
function joinLine(address: ClusterAddress): string | undefined {
  const session = readSessionFile();
  if (!session?.head || formatAddress(parseAddress(session.address)) !== formatAddress(address)) return undefined;
  return `Its address, with the password (from this machine's session file): ${session.address}`;
}

export async function statusCommand(options: StatusCommandOptions): Promise<void> {
  const address = resolveAddress(options.address ?? process.env.TSRAY_ADDRESS ?? "auto");
  const redis = await checkedClient(address);
  let nodes: RegisteredNode[];
  let views: (NodeView | undefined)[];
  try {
    nodes = await readNodes(redis);
    views = await readViews(redis, nodes.map((node) => node.id));
  } finally {
    redis.disconnect();
  }
  const lines = [`tsray cluster at ${displayAddress(address)}`];
  const join = joinLine(address);
  if (join) lines.push(join);
  if (nodes.length === 0) lines.push("No nodes have joined it.");
  else lines.push("", nodeTable(nodes, views), "", totals(nodes));
  console.log(lines.join("\n"));
}
