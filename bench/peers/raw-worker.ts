// The hand-written baseline: one message per task and one per result, nothing else.
import { parentPort } from "node:worker_threads";
import { inc, probe } from "./tasks";

parentPort!.on("message", (message: { id: number; kind: "inc" | "probe"; arg: never }) => {
  const value = message.kind === "inc" ? inc(message.arg) : probe(message.arg);
  parentPort!.postMessage({ id: message.id, value });
});
