import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchKernel, RunningKernel } from "../../client/launch";
import type { Message } from "../../kernel/protocol/wire";

/** A kernel with its own Jupyter data dir (history), removed by `shutdown`. */
export async function startTestKernel(dataDir = mkdtempSync(join(tmpdir(), "tsray-data-"))): Promise<RunningKernel & { dataDir: string }> {
  const kernel = await launchKernel({ env: { ...process.env, JUPYTER_DATA_DIR: dataDir }, stderr: process.env.TSRAY_DEBUG ? "inherit" : "ignore" });
  const shutdownKernel = kernel.shutdown;
  const shutdown = async () => {
    await shutdownKernel();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return Object.assign(kernel, { dataDir, shutdown });
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
