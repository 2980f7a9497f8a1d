// Starts a tsray kernel process on free loopback ports, as Jupyter would, and connects
// our client to it.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectionInfo } from "../kernel/protocol/connection";
import { freePorts } from "./free-ports";
import { KernelClient } from "./kernel-client";

import { TSRAY_BIN } from "./tsray-bin";

export interface LaunchOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The kernel's stderr (its log): "inherit" to see it, "ignore" by default. */
  stderr?: "inherit" | "ignore" | "pipe";
  argv?: string[];
}

export interface RunningKernel {
  client: KernelClient;
  /** The kernel process (a new one after `restart`). */
  process: ChildProcess;
  connectionFile: string;
  info: ConnectionInfo;
  /** As Jupyter restarts a kernel: shutdown_request with restart, then a new process on the same ports. */
  restart(): Promise<void>;
  /** Asks the kernel to shut down, then makes sure it is gone. */
  shutdown(): Promise<void>;
}

export async function writeConnectionFile(dir: string): Promise<{ file: string; info: ConnectionInfo }> {
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = await freePorts(5);
  const info: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
    kernel_name: "tsray",
  };
  const file = join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(info, null, 2));
  return { file, info };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts the kernel process and waits until it answers; kills it if it cannot. */
async function spawnReadyKernel(client: KernelClient, file: string, options: LaunchOptions): Promise<ChildProcess> {
  const argv = options.argv ?? [TSRAY_BIN, "kernel", file];
  const child = spawn(process.execPath, argv, {
    cwd: options.cwd ?? process.cwd(),
    // as jupyter_client does: the kernel ends itself if this process dies without shutting it down
    env: { ...(options.env ?? process.env), JPY_PARENT_PID: String(process.pid) },
    stdio: ["ignore", "ignore", options.stderr ?? "ignore"],
  });
  const died = exited(child).then(() => {
    throw new Error(`the tsray kernel exited before it was ready (code ${child.exitCode})`);
  });
  died.catch(() => undefined);
  try {
    await Promise.race([client.waitForReady(), died]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return child;
}

/** Ends the kernel politely (shutdown_request), by force after three seconds. */
async function endKernel(client: KernelClient, child: ChildProcess, restart: boolean): Promise<void> {
  const gone = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  void client.request("control", "shutdown_request", { restart });
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await gone;
  clearTimeout(timer);
}

export async function launchKernel(options: LaunchOptions = {}): Promise<RunningKernel> {
  const dir = mkdtempSync(join(tmpdir(), "tsray-kernel-"));
  const { file, info } = await writeConnectionFile(dir);
  const client = new KernelClient(info);
  client.connect();
  let child: ChildProcess;
  try {
    child = await spawnReadyKernel(client, file, options);
  } catch (error) {
    client.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    client,
    get process() {
      return child;
    },
    connectionFile: file,
    info,
    async restart() {
      await endKernel(client, child, true);
      child = await spawnReadyKernel(client, file, options);
    },
    async shutdown() {
      await endKernel(client, child, false);
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
