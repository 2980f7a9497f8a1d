// The hand-written baseline: one message per task and one per result, nothing else.
import { parentPort } from "node:worker_threads";
import { inc, probe, sleepUnits } from "./tasks";

const TASKS = { inc, probe, sleepUnits } as const;

parentPort!.on("message", (message: { id: number; kind: keyof typeof TASKS; arg: never }) => {
  const value = TASKS[message.kind](message.arg);
  parentPort!.postMessage({ id: message.id, value });
});
