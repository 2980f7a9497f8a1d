// `ray.init()` is synchronous and prints the dashboard's URL, so the free port is found
// synchronously: a short child process tries the ports from the one asked for upwards and
// prints the first it could listen on (the server then listens on it; should another
// process take it in between, the server moves on asynchronously and the URL is updated).
import { spawnSync } from "node:child_process";

const PROBE = `
const net = require("node:net");
const [host, first, count] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const tryPort = (port) => {
  if (port >= first + count) return process.stdout.write("0");
  const server = net.createServer();
  server.once("error", () => tryPort(port + 1));
  server.listen({ host, port, exclusive: true }, () => server.close(() => process.stdout.write(String(port))));
};
tryPort(first);
`;

/** The first port from `first` that `host` can listen on (of `count`), or 0 if none (or the probe failed). */
export function findFreePortSync(host: string, first: number, count = 100): number {
  const result = spawnSync(process.execPath, ["-e", PROBE, host, String(first), String(count)], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "ignore"] });
  const port = Number(result.stdout);
  return Number.isInteger(port) && port > 0 ? port : 0;
}
