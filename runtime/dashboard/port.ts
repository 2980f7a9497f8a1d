// `ray.init()` is synchronous and prints the dashboard's URL, so the free port is found
// synchronously: a short-lived worker thread tries the ports from the one asked for upwards
// and writes the first it could listen on into shared memory, which `init` waits on (the
// server then listens on it; should another process take it in between, the server moves
// on asynchronously and the URL is updated). A thread starts in about a third of the time
// a child process took.
import { Worker } from "node:worker_threads";

const PROBE = `
const net = require("node:net");
const { workerData: { host, first, count, answer } } = require("node:worker_threads");
const tell = (port) => { Atomics.store(answer, 0, port); Atomics.notify(answer, 0); };
process.on("uncaughtException", () => tell(0));
const tryPort = (port) => {
  if (port >= first + count) return tell(0);
  const server = net.createServer();
  server.once("error", () => tryPort(port + 1));
  server.listen({ host, port, exclusive: true }, () => server.close(() => tell(port)));
};
tryPort(first);
`;

/** Not answered yet (a port is > 0; 0 means none was free). */
const WAITING = -1;
const TIMEOUT_MS = 10_000;

/** The first port from `first` that `host` can listen on (of `count`), or 0 if none (or the probe failed). */
export function findFreePortSync(host: string, first: number, count = 100): number {
  const answer = new Int32Array(new SharedArrayBuffer(4));
  answer[0] = WAITING;
  const probe = new Worker(PROBE, { eval: true, workerData: { host, first, count, answer } });
  probe.unref();
  probe.on("error", () => {}); // it answers 0 itself when it fails
  Atomics.wait(answer, 0, WAITING, TIMEOUT_MS);
  void probe.terminate();
  const port = Atomics.load(answer, 0);
  return port > 0 ? port : 0;
}
