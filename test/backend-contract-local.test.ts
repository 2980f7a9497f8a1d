// The backend contract (support/backend-contract.ts) run against the local backend: one
// machine, workers as threads of this process, picked by `ray.init({ numCpus })`.
// backend-contract-cluster.test.ts runs the same suite on a cluster.
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as ray from "../runtime";
import { describeBackendContract } from "./support/backend-contract";

/** This process's threads (Linux): the local backend's workers are among them. */
const threads = () => readdirSync("/proc/self/task").length;
let threadsBefore = 0;

describeBackendContract({
  name: "local",
  capacity: { numCpus: 2, resources: { widget: 1 } },
  start: async () => {
    if (!ray.isInitialized() && threadsBefore === 0) {
      await readFile(__filename); // libuv's thread pool starts on first use: before counting
      threadsBefore = threads();
    }
    ray.init({ numCpus: 2, resources: { widget: 1 }, dashboard: false });
  },
  stop: () => ray.shutdown(),
  ...(process.platform === "linux" ? { liveWorkers: () => Math.max(0, threads() - threadsBefore) } : {}),
});
