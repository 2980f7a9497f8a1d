// The cluster benchmark's peer worker (../cluster.ts): BullMQ alone, one Worker in a process
// of its own, running the tiny task `job => job.data.x + 1`.
//   node bullmq-worker.js <queue> <prefix> <concurrency>
// The Redis address (its password) comes in BENCH_BULLMQ_REDIS as JSON { host, port,
// password }, never on the command line, where `ps` shows it. It tells its parent over IPC
// once the worker is ready (or why it failed), and closes the worker on SIGTERM or when the
// parent goes.
import { Worker } from "bullmq";

type Message = { kind: "ready" } | { kind: "failed"; reason: string };

const tell = (message: Message) => process.send?.(message);

async function main(): Promise<void> {
  const [queueName, prefix, concurrencyText] = process.argv.slice(2);
  const { host, port, password } = JSON.parse(process.env.BENCH_BULLMQ_REDIS ?? "{}") as { host: string; port: number; password?: string };
  delete process.env.BENCH_BULLMQ_REDIS;
  const worker = new Worker<{ x: number }, number>(queueName, async (job) => job.data.x + 1, {
    connection: { host, port, password, maxRetriesPerRequest: null },
    prefix,
    concurrency: Number(concurrencyText),
  });
  worker.on("error", (error) => console.error(`bullmq-worker: ${error.message}`));
  await worker.waitUntilReady();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void worker.close(true).finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.once("disconnect", stop);
  tell({ kind: "ready" });
}

main().catch((error: unknown) => {
  tell({ kind: "failed", reason: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
