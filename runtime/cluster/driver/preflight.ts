// `ray.init` is synchronous, and a wrong password or an unreachable Redis must fail it with
// its one line, and its start line says how many nodes and CPUs it found: so `init` asks
// synchronously. A short-lived worker thread connects and reads the registry, posts the
// answer on a port and wakes `init`, which waits on shared memory (as the dashboard's port
// probe does) and reads the answer off the port.
import { join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { ClusterAddress } from "../address";
import type { RegisteredNode } from "../registry";

export type PreflightAnswer = { ok: true; nodes: RegisteredNode[] } | { ok: false; message: string };

export interface PreflightRequest {
  address: ClusterAddress;
  port: import("node:worker_threads").MessagePort;
  signal: Int32Array;
}

const TIMEOUT_MS = 10_000;

export function preflightSync(address: ClusterAddress): PreflightAnswer {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const request: PreflightRequest = { address, port: port2, signal };
  const thread = new Worker(join(__dirname, "preflight-thread.js"), { workerData: request, transferList: [port2] });
  thread.unref();
  thread.on("error", () => undefined); // no answer then: the timeout's message below
  Atomics.wait(signal, 0, 0, TIMEOUT_MS);
  void thread.terminate();
  const answer = receiveMessageOnPort(port1)?.message as PreflightAnswer | undefined;
  port1.close();
  return answer ?? { ok: false, message: `no answer from the cluster's Redis at ${address.host}:${address.port} within ${TIMEOUT_MS / 1000} s` };
}
