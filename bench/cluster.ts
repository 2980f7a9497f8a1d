// Cluster benchmark: what a task costs through tsray's cluster backend (runtime/cluster/),
// against BullMQ alone on the same Redis (the job queue Node users trust for work spread over
// machines: what a user would build the same thing on; tsray's cluster hands jobs to its
// nodes through Redis streams, docs/cluster.md says why) and against tsray's local backend
// (what leaving one process costs), all in one run.
//
//   tiny-task throughput  submit TASKS tiny tasks `x => x + 1` at once, wait for all (tsray:
//                         one `ray.get` of all refs; BullMQ: one addBulk, then every
//                         result); median of RUNS
//   round trip            submit one tiny task and wait for its result, ROUNDS times in
//                         sequence, after a warm-up; median (and p90)
//
// The systems:
//   tsray, 2-node cluster     startLocalCluster: a private redis-server and two node agents
//                             of 2 CPUs each, separate processes; `ray.init({ address })`
//   BullMQ alone              a Queue and a QueueEvents here, one Worker (concurrency 4) in a
//                             child process (peers/bullmq-worker.ts), under a prefix of its
//                             own on the cluster's Redis; each job's result heard from the
//                             queue's "completed" events (tsray's driver too hears of each
//                             end as it comes, from its list of reports), the jobs removed
//                             on completion as tsray's are
//   BullMQ + waitUntilFinished  the same, each result awaited with job.waitUntilFinished
//                             (the documented way: one more Redis call a job; jobs kept 60 s,
//                             since a removed job makes it fail with "Missing key")
//   tsray, local              `ray.init({ numCpus: 4 })` in this process, once the cluster is
//                             gone
// The cluster and the two BullMQ variants are measured interleaved (run by run, block of
// round trips by block, the order reversed every other time) since the machine is noisy;
// the local backend after them. The targets (the cluster issue's): throughput at least
// 0.8x BullMQ alone's, round trip at most 1.5x its.
import type { ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import * as ray from "../runtime";
import { LocalCluster, startLocalCluster } from "../runtime/cluster/launch/local-cluster";
import { processAlive } from "../runtime/cluster/launch/process-alive";
import { inc } from "./peers/tasks";
import type { BenchSuite, SuiteReport } from "./suite";
import { killTree, sleep, spawnGroup } from "./support/processes";
import { formatMs, formatRatio, median, percentile, round, summarize } from "./support/stats";

const TASKS = Number(process.env.BENCH_CLUSTER_TASKS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 500);
const RUNS = Number(process.env.BENCH_CLUSTER_RUNS ?? 3);
/** The round trips are measured in this many blocks per system, interleaved. */
const BLOCKS = Number(process.env.BENCH_CLUSTER_BLOCKS ?? 5);
const WARMUP_TASKS = 500;
const WARMUP_ROUNDS = 100;
/** A run or a block that takes longer has hung: it fails, and the suite goes on. */
const STEP_TIMEOUT_MS = 120_000;

const NODES = [{ numCpus: 2 }, { numCpus: 2 }];
const LOCAL_CPUS = 4;
/** The peer's queue: a prefix apart from tsray's keys ("tsray:"). */
const PEER_PREFIX = "bench:bullmq";
const PEER_QUEUE = "tiny";
const PEER_CONCURRENCY = 4;

export const CLUSTER_TARGETS = { throughputOverBullmq: 0.8, roundTripOverBullmq: 1.5 };

interface System {
  id: string;
  label: string;
  /** Submits n tiny tasks at once and waits for all of them. */
  tiny(n: number): Promise<void>;
  /** One tiny task: submit, then wait for its result. */
  roundTrip(x: number): Promise<number>;
}

interface Measured {
  id: string;
  label: string;
  tasksPerSecond: number[];
  roundTripUs: number[];
  /** The median of each block of round trips, in the order measured. */
  blockMedianUs: number[];
  error?: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function expect(value: number, x: number, what: string): void {
  if (value !== x + 1) throw new Error(`${what}: got ${String(value)} for ${x}, not ${x + 1}`);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** tsray's current session (cluster or local) behind the interface. */
function tsraySystem(id: string, label: string): System {
  const remoteInc = ray.remote(inc);
  return {
    id,
    label,
    async tiny(n) {
      const refs = new Array(n);
      for (let i = 0; i < n; i++) refs[i] = remoteInc.remote(i);
      const values = (await ray.get(refs)) as number[];
      expect(values[n - 1], n - 1, label);
    },
    async roundTrip(x) {
      const value = (await ray.get(remoteInc.remote(x))) as number;
      expect(value, x, label);
      return value;
    },
  };
}

type RedisAddress = LocalCluster["address"];

/** BullMQ alone: the queue and its events here, the worker in a child process. */
class BullmqPeer {
  private queue!: Queue<{ x: number }, number>;
  private events!: QueueEvents;
  private child?: ChildProcess;
  private stderr = "";
  private readonly pending = new Map<string, { resolve(value: number): void; reject(error: Error): void }>();
  private nextJob = 0;

  constructor(private readonly address: RedisAddress) {}

  /** The worker's process, once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const connection = { host: this.address.host, port: this.address.port, password: this.address.password, maxRetriesPerRequest: null };
    this.queue = new Queue(PEER_QUEUE, { connection, prefix: PEER_PREFIX });
    this.events = new QueueEvents(PEER_QUEUE, { connection, prefix: PEER_PREFIX });
    // waitUntilFinished adds listeners per job (to both): thousands at once in a throughput run.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
    this.events.on("completed", ({ jobId, returnvalue }) => {
      const waiting = this.pending.get(jobId);
      if (!waiting) return;
      this.pending.delete(jobId);
      waiting.resolve((typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as number);
    });
    this.events.on("failed", ({ jobId, failedReason }) => {
      const waiting = this.pending.get(jobId);
      if (!waiting) return;
      this.pending.delete(jobId);
      waiting.reject(new Error(`job ${jobId} failed: ${failedReason}`));
    });
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    await this.startWorker();
  }

  private async startWorker(): Promise<void> {
    const script = join(__dirname, "peers", "bullmq-worker.js");
    const redis = JSON.stringify({ host: this.address.host, port: this.address.port, password: this.address.password });
    const child = spawnGroup(process.execPath, [script, PEER_QUEUE, PEER_PREFIX, String(PEER_CONCURRENCY)], {
      env: { ...process.env, BENCH_BULLMQ_REDIS: redis },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child = child;
    child.stderr?.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the BullMQ worker was not ready within 20 s")), 20_000);
      child.once("message", (message: { kind: string; reason?: string }) => {
        clearTimeout(timer);
        if (message.kind === "ready") resolve();
        else reject(new Error(`the BullMQ worker failed: ${message.reason}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the BullMQ worker exited (${signal ?? `code ${code}`}): ${this.stderr.trim()}`));
      });
    });
  }

  private jobId(): string {
    return `j${this.nextJob++}`; // BullMQ refuses integer-like custom ids
  }

  private result(jobId: string): Promise<number> {
    return new Promise<number>((resolve, reject) => this.pending.set(jobId, { resolve, reject }));
  }

  /** Results heard from the "completed" events; jobs removed on completion, as tsray's are. */
  viaEvents(): System {
    const options = { removeOnComplete: true, removeOnFail: true };
    return {
      id: "bullmq",
      label: "BullMQ alone",
      tiny: async (n) => {
        const jobs = range(n).map((x) => ({ name: "inc", data: { x }, opts: { ...options, jobId: this.jobId() } }));
        const results = jobs.map((job) => this.result(job.opts.jobId));
        await this.queue.addBulk(jobs);
        const values = await Promise.all(results);
        expect(values[n - 1], n - 1, "BullMQ");
      },
      roundTrip: async (x) => {
        const jobId = this.jobId();
        const result = this.result(jobId);
        await this.queue.add("inc", { x }, { ...options, jobId });
        const value = await result;
        expect(value, x, "BullMQ");
        return value;
      },
    };
  }

  /** Each result awaited with job.waitUntilFinished; jobs kept a minute (it reads the job). */
  viaWaitUntilFinished(): System {
    const options = { removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } };
    const valueOf = (job: Job<{ x: number }, number>) => job.waitUntilFinished(this.events).then(Number);
    return {
      id: "bullmq-wuf",
      label: "BullMQ + waitUntilFinished",
      tiny: async (n) => {
        const jobs = await this.queue.addBulk(range(n).map((x) => ({ name: "inc", data: { x }, opts: { ...options, jobId: this.jobId() } })));
        const values = await Promise.all(jobs.map(valueOf));
        expect(values[n - 1], n - 1, "BullMQ + waitUntilFinished");
      },
      roundTrip: async (x) => {
        const value = await valueOf(await this.queue.add("inc", { x }, { ...options, jobId: this.jobId() }));
        expect(value, x, "BullMQ + waitUntilFinished");
        return value;
      },
    };
  }

  /** Stops the worker (SIGTERM, then SIGKILL), obliterates the queue, closes the connections. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(3000)]);
    }
    if (child) await killTree(child);
    for (const waiting of this.pending.values()) waiting.reject(new Error("the BullMQ peer stopped"));
    this.pending.clear();
    await this.events?.close().catch(() => undefined);
    if (this.queue) {
      try {
        await this.queue.obliterate({ force: true });
      } finally {
        await this.queue.close().catch(() => undefined);
      }
    }
  }
}

function newMeasured(system: System): Measured {
  return { id: system.id, label: system.label, tasksPerSecond: [], roundTripUs: [], blockMedianUs: [] };
}

/** Runs `step` for each system still standing; a system whose step throws is out, with its error. */
async function eachSystem(systems: System[], results: Map<string, Measured>, reverse: boolean, step: (system: System, measured: Measured) => Promise<void>): Promise<void> {
  for (const system of reverse ? [...systems].reverse() : systems) {
    const measured = results.get(system.id)!;
    if (measured.error) continue;
    try {
      await step(system, measured);
    } catch (error) {
      measured.error = error instanceof Error ? error.message : String(error);
    }
  }
}

/** Warm-up, then RUNS throughput runs and BLOCKS blocks of round trips, the systems interleaved. */
async function measureInterleaved(systems: System[], log: (line: string) => void): Promise<Measured[]> {
  const results = new Map(systems.map((system) => [system.id, newMeasured(system)]));
  const all = () => [...results.values()];
  await eachSystem(systems, results, false, async (system) => {
    await withTimeout(system.tiny(WARMUP_TASKS), `${system.label}'s warm-up`);
    for (let i = 0; i < WARMUP_ROUNDS; i++) await withTimeout(system.roundTrip(i), `${system.label}'s warm-up`);
  });
  for (let run = 0; run < RUNS; run++) {
    await eachSystem(systems, results, run % 2 === 1, async (system, measured) => {
      const start = performance.now();
      await withTimeout(system.tiny(TASKS), `${system.label}'s throughput run`);
      measured.tasksPerSecond.push(TASKS / ((performance.now() - start) / 1000));
    });
    log(`  throughput run ${run + 1}/${RUNS}: ${all().map((m) => `${m.label} ${m.error ? "failed" : fmtRate(m.tasksPerSecond[run])}`).join(", ")}`);
  }
  const perBlock = Math.ceil(ROUNDS / BLOCKS);
  for (let block = 0; block < BLOCKS; block++) {
    const count = Math.min(perBlock, ROUNDS - block * perBlock);
    if (count <= 0) break;
    await eachSystem(systems, results, block % 2 === 1, async (system, measured) => {
      const samples: number[] = [];
      await withTimeout(
        (async () => {
          for (let i = 0; i < count; i++) {
            const start = performance.now();
            await system.roundTrip(i);
            samples.push((performance.now() - start) * 1000);
          }
        })(),
        `${system.label}'s round trips`
      );
      measured.roundTripUs.push(...samples);
      measured.blockMedianUs.push(median(samples));
    });
    log(`  round trips, block ${block + 1}/${BLOCKS}: ${all().map((m) => `${m.label} ${m.error ? "failed" : fmtUs(m.blockMedianUs[block])}`).join(", ")}`);
  }
  for (const m of all()) if (m.error) log(`  ${m.label} FAILED: ${m.error}`);
  return all();
}

/** The cluster's Redis, grouped by key shape (ids replaced), once the driver and the peer are done. */
async function redisLeftovers(address: RedisAddress): Promise<Record<string, number>> {
  const redis = new Redis({ host: address.host, port: address.port, password: address.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const found: Record<string, number> = {};
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of batch) {
        const shape = key.replace(/[0-9a-f]{12,}/g, "<id>").replace(/:\d+$/, ":<n>");
        found[shape] = (found[shape] ?? 0) + 1;
      }
    } while (cursor !== "0");
    return found;
  } finally {
    redis.disconnect();
  }
}


const fmtRate = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? `${Math.round(v).toLocaleString("en-US")}/s` : "n/a");
const fmtUs = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "n/a" : v >= 1000 ? formatMs(v / 1000) : `${v.toFixed(1)} µs`);

interface Run {
  results: Measured[];
  clusterStartMs: number;
  clusterStopMs: number;
  /** Redis's keys once the driver and the peer are done (the nodes still up). */
  leftoverKeys?: Record<string, number>;
  /** And once the node agents are stopped too (SIGTERM, as `tsray stop`). */
  leftoverKeysAfterNodes?: Record<string, number>;
  leftoverPids: number[];
  cleanupErrors: string[];
}

function report(run: Run): SuiteReport {
  const of = (id: string) => run.results.find((r) => r.id === id);
  const [cluster, bullmq, wuf, local] = ["cluster", "bullmq", "bullmq-wuf", "local"].map(of);
  const columns = [cluster, bullmq, wuf, local];
  const ok = (r: Measured | undefined) => r !== undefined && !r.error;
  const rate = (r: Measured | undefined) => (ok(r) ? median(r!.tasksPerSecond) : NaN);
  const trip = (r: Measured | undefined) => (ok(r) ? median(r!.roundTripUs) : NaN);
  const trip90 = (r: Measured | undefined) => (ok(r) ? percentile(r!.roundTripUs, 90) : NaN);
  const cell = (r: Measured | undefined, text: string) => (r === undefined ? "n/a" : r.error ? "failed" : text);
  const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");
  const throughputRatio = rate(cluster) / rate(bullmq);
  const tripRatio = trip(cluster) / trip(bullmq);
  const rows = [
    [
      `tiny tasks, ${TASKS.toLocaleString("en-US")} at once, median of ${RUNS}`,
      ...columns.map((r) => cell(r, fmtRate(rate(r)))),
      formatRatio(rate(cluster), rate(bullmq)),
      formatRatio(rate(cluster), rate(local)),
      `>= ${CLUSTER_TARGETS.throughputOverBullmq.toFixed(2)}x BullMQ`,
      Number.isFinite(throughputRatio) ? verdict(throughputRatio >= CLUSTER_TARGETS.throughputOverBullmq) : "n/a",
    ],
    [
      `round trip, median of ${ROUNDS.toLocaleString("en-US")}`,
      ...columns.map((r) => cell(r, fmtUs(trip(r)))),
      formatRatio(trip(cluster), trip(bullmq)),
      formatRatio(trip(cluster), trip(local)),
      `<= ${CLUSTER_TARGETS.roundTripOverBullmq.toFixed(2)}x BullMQ`,
      Number.isFinite(tripRatio) ? verdict(tripRatio <= CLUSTER_TARGETS.roundTripOverBullmq) : "n/a",
    ],
    [
      "round trip, p90",
      ...columns.map((r) => cell(r, fmtUs(trip90(r)))),
      formatRatio(trip90(cluster), trip90(bullmq)),
      formatRatio(trip90(cluster), trip90(local)),
      "",
      "",
    ],
  ];
  const listKeys = (found: Record<string, number> | undefined) =>
    found === undefined ? "not read" : Object.keys(found).length ? Object.entries(found).map(([k, n]) => `${k} x${n}`).join(", ") : "none";
  const notes = [
    `tsray's cluster: ${NODES.length} node agents x ${NODES[0].numCpus} CPUs (separate processes) on a private redis-server; BullMQ: 1 Worker of concurrency ${PEER_CONCURRENCY} in a child process, prefix "${PEER_PREFIX}"; local: numCpus ${LOCAL_CPUS} in this process.`,
    `ratios are tsray-cluster's figure over the other's (throughput: > 1 better; round trip: < 1 better); targets against "BullMQ alone" (results from its "completed" events).`,
    `interleaved: cluster and both BullMQ variants, ${RUNS} throughput runs each and ${ROUNDS} round trips each in ${BLOCKS} blocks, the order reversed every other run/block; the local backend measured after the cluster was shut down.`,
    `warm-up before measuring: ${WARMUP_TASKS} tasks at once and ${WARMUP_ROUNDS} round trips per system.`,
    ...columns
      .filter(ok)
      .map((r) => `${r!.label}: throughput runs ${r!.tasksPerSecond.map((v) => fmtRate(v)).join(", ")}; round-trip block medians ${r!.blockMedianUs.map((v) => fmtUs(v)).join(", ")}.`),
    `cluster: started in ${formatMs(run.clusterStartMs)}, shut down in ${formatMs(run.clusterStopMs)}.`,
    `Redis keys after the driver's shutdown and the peer's obliterate, nodes still up: ${listKeys(run.leftoverKeys)}.`,
    `Redis keys once the node agents were stopped too: ${listKeys(run.leftoverKeysAfterNodes)}.`,
    run.leftoverPids.length ? `LEFT RUNNING after the shutdown: pids ${run.leftoverPids.join(", ")}.` : "no process left running (Redis, node agents, BullMQ worker).",
    ...run.cleanupErrors.map((e) => `cleanup error: ${e}`),
    `machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end.`,
    ...run.results.filter((r) => r.error).map((r) => `${r.label} FAILED: ${r.error}`),
  ];
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    settings: { tasks: TASKS, rounds: ROUNDS, runs: RUNS, blocks: BLOCKS, warmupTasks: WARMUP_TASKS, warmupRounds: WARMUP_ROUNDS, nodes: NODES, localCpus: LOCAL_CPUS, peerConcurrency: PEER_CONCURRENCY },
    targets: CLUSTER_TARGETS,
    verdicts: { throughput: rows[0][rows[0].length - 1], roundTrip: rows[1][rows[1].length - 1] },
    ratios: {
      throughputOverBullmq: round(throughputRatio, 3),
      throughputOverLocal: round(rate(cluster) / rate(local), 3),
      roundTripOverBullmq: round(tripRatio, 3),
      roundTripOverLocal: round(trip(cluster) / trip(local), 3),
    },
    systems: run.results.map((r) => ({
      ...r,
      summary: { tasksPerSecond: round(rate(r), 0), roundTripUs: r.roundTripUs.length ? { ...summarize(r.roundTripUs) } : undefined },
      roundTripUs: undefined,
    })),
    cluster: { startMs: round(run.clusterStartMs, 1), stopMs: round(run.clusterStopMs, 1), leftoverKeys: run.leftoverKeys, leftoverKeysAfterNodes: run.leftoverKeysAfterNodes, leftoverPids: run.leftoverPids, cleanupErrors: run.cleanupErrors },
  };
  return {
    headers: ["metric", "tsray, 2-node cluster", "BullMQ alone", "BullMQ + waitUntilFinished", "tsray, local", "cluster / BullMQ", "cluster / local", "target", "verdict"],
    rows,
    notes,
    json,
  };
}

/** The cluster, the session on it and the peer: measured interleaved, then everything stopped, whatever happened. */
async function measureCluster(run: Run, log: (line: string) => void): Promise<void> {
  log(`starting a local cluster (${NODES.length} nodes x ${NODES[0].numCpus} CPUs)...`);
  let start = performance.now();
  const cluster = await startLocalCluster(NODES);
  run.clusterStartMs = performance.now() - start;
  log(`  up in ${formatMs(run.clusterStartMs)}: ${cluster.url.replace(/:[^:@/]*@/, ":***@")}`);
  const pids = [cluster.redisPid, ...cluster.nodes.map((node) => node.pid)];
  // However this process ends (an uncaught error, ^C): no redis-server or node agent outlives it.
  const killCluster = () => {
    for (const pid of pids.filter(processAlive)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  };
  process.once("exit", killCluster);
  const peer = new BullmqPeer(cluster.address);
  let peerPid: number | undefined;
  const cleanup = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      run.cleanupErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  try {
    ray.init({ address: cluster.url, dashboard: false });
    const systems: System[] = [tsraySystem("cluster", "tsray, 2-node cluster")];
    try {
      await peer.start();
      systems.push(peer.viaEvents(), peer.viaWaitUntilFinished());
    } catch (error) {
      const failed = String(error instanceof Error ? error.message : error);
      run.results.push({ ...newMeasured(peer.viaEvents()), error: failed }, { ...newMeasured(peer.viaWaitUntilFinished()), error: failed });
    }
    peerPid = peer.pid;
    log("measuring the cluster and BullMQ, interleaved...");
    run.results.unshift(...(await measureInterleaved(systems, log)));
  } finally {
    await cleanup("stopping the BullMQ peer", () => peer.stop());
    await cleanup("ray.shutdown() of the cluster session", () => ray.shutdown());
    await cleanup("reading Redis's keys", async () => (run.leftoverKeys = await redisLeftovers(cluster.address)));
    start = performance.now();
    await cleanup("stopping the node agents", () => Promise.all(cluster.nodes.map((node) => cluster.removeNode(node))));
    await cleanup("reading Redis's keys", async () => (run.leftoverKeysAfterNodes = await redisLeftovers(cluster.address)));
    await cleanup("shutting the cluster down", () => cluster.shutdown());
    run.clusterStopMs = performance.now() - start;
    run.leftoverPids.push(...[...pids, ...(peerPid ? [peerPid] : [])].filter(processAlive));
    killCluster();
    process.removeListener("exit", killCluster);
  }
}

async function measureLocal(log: (line: string) => void): Promise<Measured> {
  log(`measuring tsray's local backend (numCpus ${LOCAL_CPUS})...`);
  ray.init({ numCpus: LOCAL_CPUS, dashboard: false });
  try {
    const [measured] = await measureInterleaved([tsraySystem("local", "tsray, local")], log);
    return measured;
  } finally {
    await ray.shutdown();
  }
}

export const clusterSuite: BenchSuite = {
  name: "cluster",
  title: "Cluster backend: tsray on a 2-node local cluster vs BullMQ alone vs tsray's local backend",
  async run(log) {
    const run: Run = { results: [], clusterStartMs: NaN, clusterStopMs: NaN, leftoverPids: [], cleanupErrors: [] };
    try {
      await measureCluster(run, log);
    } catch (error) {
      // The cluster could not start (or the session not connect): the local backend is still measured.
      const failed = error instanceof Error ? error.message : String(error);
      if (!run.results.some((r) => r.id === "cluster")) run.results.unshift({ id: "cluster", label: "tsray, 2-node cluster", tasksPerSecond: [], roundTripUs: [], blockMedianUs: [], error: failed });
      log(`  the cluster FAILED: ${failed}`);
    }
    try {
      run.results.push(await measureLocal(log));
    } catch (error) {
      run.results.push({ id: "local", label: "tsray, local", tasksPerSecond: [], roundTripUs: [], blockMedianUs: [], error: String(error) });
    }
    return report(run);
  },
};
