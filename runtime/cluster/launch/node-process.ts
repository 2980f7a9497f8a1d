// Starts a node agent (../node/main.ts) as its own process, detached, its output in
// `logFile`, and waits until it has joined the cluster (it says so over IPC) or failed.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import type { AgentMessage } from "../node/main";

/** The variable the node agent reads its cluster address from (../node/main.ts). */
const NODE_ADDRESS_ENV = "TSRAY_NODE_ADDRESS";

const JOIN_TIMEOUT_MS = 20_000;

export interface StartedNode {
  pid: number;
  nodeId: string;
}

export function startNodeProcess(address: string, numCpus: number, resources: Record<string, number>, logFile: string): Promise<StartedNode> {
  const log = openSync(logFile, "a", 0o600);
  // The address (its password) in the environment, never on the command line, where `ps` shows it.
  const child = spawn(process.execPath, [join(__dirname, "..", "node", "main.js"), String(numCpus), JSON.stringify(resources)], {
    env: { ...process.env, [NODE_ADDRESS_ENV]: address },
    stdio: ["ignore", log, log, "ipc"],
    detached: true,
  });
  closeSync(log);
  return new Promise<StartedNode>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the node agent did not join within ${JOIN_TIMEOUT_MS / 1000} s (its log: ${logFile})`));
    }, JOIN_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect(); // an exited child has no channel left (disconnect would throw)
      child.unref();
    };
    child.on("message", (message: AgentMessage) => {
      done();
      if (message.kind === "ready") resolve({ pid: child.pid!, nodeId: message.nodeId });
      else reject(new Error(message.reason));
    });
    child.on("exit", (code, signal) => {
      done();
      reject(new Error(`the node agent exited before joining (${signal ?? `code ${code}`}; its log: ${logFile})`));
    });
  });
}
