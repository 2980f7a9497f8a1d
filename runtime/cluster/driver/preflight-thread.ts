// The worker thread of preflight.ts: connects, reads the registry, answers, and ends.
import { workerData } from "node:worker_threads";
import { checkedClient } from "../connect";
import { readNodes } from "../registry";
import type { PreflightAnswer, PreflightRequest } from "./preflight";

async function ask({ address }: PreflightRequest): Promise<PreflightAnswer> {
  try {
    const redis = await checkedClient(address);
    try {
      return { ok: true, nodes: await readNodes(redis) };
    } finally {
      redis.disconnect();
    }
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const request = workerData as PreflightRequest;
void ask(request).then((answer) => {
  request.port.postMessage(answer);
  Atomics.store(request.signal, 0, 1);
  Atomics.notify(request.signal, 0);
  request.port.close();
});
