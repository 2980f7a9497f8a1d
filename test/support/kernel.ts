import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchKernel, RunningKernel } from "../../client/launch";
import type { ExecuteOptions } from "../../client/kernel-client";
import type { Message } from "../../kernel/protocol/wire";

/** A kernel with its own Jupyter data dir (history), removed by `shutdown`; `cwd` is where its cells run. */
export async function startTestKernel(cwd?: string): Promise<RunningKernel & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "tsray-data-"));
  const env = { ...process.env, JUPYTER_DATA_DIR: dataDir };
  const kernel = await launchKernel({ cwd, env, stderr: process.env.TSRAY_DEBUG ? "inherit" : "ignore" });
  const shutdownKernel = kernel.shutdown;
  const shutdown = async () => {
    await shutdownKernel();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return Object.assign(kernel, { dataDir, shutdown });
}

export type TestKernel = Awaited<ReturnType<typeof startTestKernel>>;

/**
 * Inside a `describe`: one kernel for all its tests, started before the first and shut
 * down after the last. `kernel` is read when a test runs, once the kernel exists.
 */
export function sharedTestKernel() {
  let kernel: TestKernel | undefined;
  before(async () => (kernel = await startTestKernel()));
  after(async () => kernel?.shutdown());
  const running = (): TestKernel => {
    if (!kernel) throw new Error("the shared test kernel is not started (use it inside a test)");
    return kernel;
  };
  return {
    get kernel() {
      return running();
    },
    run: (code: string, options: ExecuteOptions = {}) => running().client.execute(code, options),
    /** Runs a cell that must succeed; its result's text (undefined if it has none). */
    async value(code: string): Promise<string | undefined> {
      const { reply, messages } = await running().client.execute(code);
      expect(reply.content.status, JSON.stringify(reply.content)).to.equal("ok");
      return resultText(messages);
    },
  };
}

export function ofType(messages: Message[], type: string): Message[] {
  return messages.filter((m) => m.header.msg_type === type);
}

export function stdoutOf(messages: Message[]): string {
  return ofType(messages, "stream")
    .filter((m) => m.content.name === "stdout")
    .map((m) => m.content.text)
    .join("");
}

export function resultText(messages: Message[]): string | undefined {
  return ofType(messages, "execute_result")[0]?.content.data["text/plain"];
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
