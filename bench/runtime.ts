// Runtime benchmark: tsray's task runtime against piscina, workerpool, threads.js's Pool
// and a hand-written worker_threads pool, each with one worker per CPU, one after another
// in this process.
//
//   tiny-task throughput  submit TINY tasks `x => x + 1` at once, wait for all (tsray: one
//                         `ray.get` of all refs); best of RUNS
//   round trip            submit one tiny task and wait for its result, ROUND_TRIPS times in
//                         sequence; median
//   80 MB array           submit a task given a 10M-element Float64Array; the time from the
//                         submission to the task's first line (its own clock); tsray first
//                         `ray.put`s it (timed apart) and must hand the task a
//                         SharedArrayBuffer-backed view, no copy; peers copy it
//   memory                heap and RSS growth with QUEUED tiny tasks submitted and not yet
//                         run (after a GC), and what stays once they are done
//   wait vs get           tsray only: `ray.wait` of QUEUED tiny tasks' refs with numReturns
//                         all of them, against `ray.get` of as many, interleaved; medians of RUNS
import { availableParallelism, cpus, loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as ray from "../runtime";
import { inc, probe, sleepUnits } from "./peers/tasks";
import { PEERS, PoolUnderTest, ProbeResult } from "./peers";
import type { BenchSuite, SuiteReport } from "./suite";
import { formatMs, median, round } from "./support/stats";

const TINY = Number(process.env.BENCH_TINY ?? 20_000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
const QUEUED = Number(process.env.BENCH_QUEUED ?? 200_000);
const RUNS = 3;
const ARRAY_LENGTH = 10_000_000; // 80 MB of float64
/** Comma-separated pool ids to measure (default: all): tsray, piscina, workerpool, threads, raw. */
const SELECTED = process.env.BENCH_POOLS?.split(",").map((id) => id.trim());

export const TARGETS = { tinyPerSecond: 50_000, roundTripUs: 60, arrayReachMs: 1, waitOverGet: 3 };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const now = () => performance.timeOrigin + performance.now();

/** tsray behind the same interface as the peers. */
type WaitAndGet = { waitMs: number[]; getMs: number[] };

/** tsray's pool measures, besides the peers' metrics, its wait against its get (see the top). */
function isTsray(pool: PoolUnderTest): pool is ReturnType<typeof tsrayPool> {
  return pool.id === "tsray";
}

export function tsrayPool(): PoolUnderTest & { lastPutMs: number; waitAndGet(n: number, runs: number): Promise<WaitAndGet> } {
  const remoteInc = ray.remote(inc);
  const remoteProbe = ray.remote(probe);
  const remoteSleep = ray.remote(sleepUnits);
  return {
    id: "tsray",
    label: "tsray (ours)",
    lastPutMs: NaN,
    async start(workers) {
      ray.init({ numCpus: workers });
    },
    async tiny(n) {
      const refs = new Array(n);
      for (let i = 0; i < n; i++) refs[i] = remoteInc.remote(i);
      await ray.get(refs);
    },
    roundTrip: (x) => ray.get(remoteInc.remote(x)),
    async probe(array) {
      const before = now();
      const ref = ray.put(array);
      this.lastPutMs = now() - before;
      return ray.get(remoteProbe.remote(ref));
    },
    sleep: (units, unitS) => ray.get(remoteSleep.remote([units, unitS])),
    async waitAndGet(n, runs) {
      const out: WaitAndGet = { waitMs: [], getMs: [] };
      const submit = () => Array.from({ length: n }, (_, i) => remoteInc.remote(i));
      for (let run = 0; run < runs; run++) {
        let refs = submit();
        let start = performance.now();
        await ray.get(refs);
        out.getMs.push(performance.now() - start);
        refs = submit();
        start = performance.now();
        await ray.wait(refs, { numReturns: n });
        out.waitMs.push(performance.now() - start);
      }
      return out;
    },
    stop: () => ray.shutdown(),
  };
}

interface Measured {
  id: string;
  label: string;
  scaleDown?: number;
  tinyPerSecond: number[];
  roundTripUs: number[];
  array: { reachMs: number; shared: boolean; putMs?: number }[];
  memory?: { queued: number; queuedHeapMb: number; queuedRssMb: number; retainedHeapMb: number; queueMs: number };
  waitAndGet?: WaitAndGet;
  error?: string;
}

function memoryNow(): { heap: number; rss: number } {
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed / 2 ** 20, rss: rss / 2 ** 20 };
}

/** Gives FinalizationRegistry callbacks their turn between collections. */
async function settledMemory(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return memoryNow();
}

async function measurePool(pool: PoolUnderTest, workers: number, array: Float64Array, log: (line: string) => void): Promise<Measured> {
  const scale = pool.scaleDown ?? 1;
  const tinyCount = Math.round(TINY / scale);
  const queuedCount = Math.round(QUEUED / scale);
  const out: Measured = { id: pool.id, label: pool.label, scaleDown: pool.scaleDown, tinyPerSecond: [], roundTripUs: [], array: [] };
  await pool.start(workers);
  try {
    await pool.tiny(1_000);
    for (let i = 0; i < 200; i++) await pool.roundTrip(i);
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      await pool.tiny(tinyCount);
      out.tinyPerSecond.push(tinyCount / ((performance.now() - start) / 1000));
    }
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const start = performance.now();
      await pool.roundTrip(i);
      out.roundTripUs.push((performance.now() - start) * 1000);
    }
    for (let run = 0; run < RUNS; run++) {
      const sentAt = now();
      const [shared, reachedAt, length] = (await pool.probe(array)) as ProbeResult;
      if (length !== array.length) throw new Error(`the task saw ${length} elements, not ${array.length}`);
      const putMs = (pool as { lastPutMs?: number }).lastPutMs;
      out.array.push({ reachMs: reachedAt - sentAt - (putMs ?? 0), shared, putMs });
    }
    const before = await settledMemory();
    const start = performance.now();
    const done = pool.tiny(queuedCount);
    const queued = memoryNow();
    await done;
    const queueMs = performance.now() - start;
    const after = await settledMemory();
    out.memory = { queued: queuedCount, queuedHeapMb: queued.heap - before.heap, queuedRssMb: queued.rss - before.rss, retainedHeapMb: after.heap - before.heap, queueMs };
    if (isTsray(pool)) out.waitAndGet = await pool.waitAndGet(queuedCount, RUNS);
    log(`  ${pool.label}: ${Math.round(median(out.tinyPerSecond))} tasks/s, round trip ${median(out.roundTripUs).toFixed(1)} µs`);
  } finally {
    await pool.stop();
  }
  return out;
}

function report(results: Measured[], workers: number): SuiteReport {
  const ours = results.find((r) => r.id === "tsray");
  const peers = results.filter((r) => r.id !== "tsray");
  const best = (values: number[]) => (values.length ? Math.max(...values) : NaN);
  const tiny = (r: Measured) => best(r.tinyPerSecond);
  const trip = (r: Measured) => median(r.roundTripUs);
  const reach = (r: Measured) => median(r.array.map((a) => a.reachMs));
  const shared = (r: Measured) => r.array.length > 0 && r.array.every((a) => a.shared);
  const waitOverGet = (r: Measured) => (r.waitAndGet ? median(r.waitAndGet.waitMs) / median(r.waitAndGet.getMs) : NaN);
  const fmtRate = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString("en-US")}/s` : "n/a");
  const fmtUs = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} µs` : "n/a");
  const fmtMb = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? `${v.toFixed(1)} MB` : "n/a");
  /** Growth per queued task, comparable across pools that queued different counts. */
  const perTask = (r: Measured, mb: number | undefined) =>
    r.memory && mb !== undefined ? `${Math.round((mb * 2 ** 20) / r.memory.queued).toLocaleString("en-US")} B` : "n/a";
  /** A peer's cell, with how many times better tsray does (>1: tsray is better). */
  const vs = (text: string, advantage: number) => (Number.isFinite(advantage) ? `${text} (${advantage.toFixed(2)}x)` : text);
  const verdict = (pass: boolean | undefined) => (pass === undefined ? "n/a" : pass ? "PASS" : "MISS");

  const metrics = [
    {
      name: `tiny tasks, ${TINY.toLocaleString("en-US")} at once`,
      cell: (r: Measured) => fmtRate(tiny(r)),
      advantage: (r: Measured) => (ours ? tiny(ours) / tiny(r) : NaN),
      target: `>= ${TARGETS.tinyPerSecond.toLocaleString("en-US")}/s`,
      pass: ours && tiny(ours) >= TARGETS.tinyPerSecond,
    },
    {
      name: `round trip, median of ${ROUND_TRIPS}`,
      cell: (r: Measured) => fmtUs(trip(r)),
      advantage: (r: Measured) => (ours ? trip(r) / trip(ours) : NaN),
      target: `<= ${TARGETS.roundTripUs} µs`,
      pass: ours && trip(ours) <= TARGETS.roundTripUs,
    },
    {
      name: "80 MB Float64Array reaches a task",
      cell: (r: Measured) => `${formatMs(reach(r))} ${shared(r) ? "shared" : "copied"}`,
      advantage: (r: Measured) => (ours ? reach(r) / reach(ours) : NaN),
      target: `< ${TARGETS.arrayReachMs} ms, shared`,
      pass: ours && reach(ours) < TARGETS.arrayReachMs && shared(ours),
    },
    {
      name: `ray.wait / ray.get, ${QUEUED.toLocaleString("en-US")} refs`,
      cell: (r: Measured) =>
        r.waitAndGet ? `${waitOverGet(r).toFixed(2)}x (${formatMs(median(r.waitAndGet.waitMs))} / ${formatMs(median(r.waitAndGet.getMs))})` : "n/a",
      advantage: () => NaN,
      target: `<= ${TARGETS.waitOverGet}x`,
      pass: ours && waitOverGet(ours) <= TARGETS.waitOverGet,
    },
    {
      name: "heap growth per queued task",
      cell: (r: Measured) => perTask(r, r.memory?.queuedHeapMb),
      advantage: () => NaN,
      target: "",
      pass: undefined,
    },
    {
      name: "RSS growth per queued task",
      cell: (r: Measured) => perTask(r, r.memory?.queuedRssMb),
      advantage: () => NaN,
      target: "",
      pass: undefined,
    },
    {
      name: "heap kept after they ran",
      cell: (r: Measured) => fmtMb(r.memory?.retainedHeapMb),
      advantage: () => NaN,
      target: "",
      pass: undefined,
    },
  ];
  const rows = metrics.map((metric) => [
    metric.name,
    ours ? metric.cell(ours) : "n/a",
    ...peers.map((peer) => (peer.error ? "failed" : vs(metric.cell(peer), metric.advantage(peer)))),
    metric.target,
    metric.target ? verdict(metric.pass) : "",
  ]);
  const putMs = ours ? median(ours.array.map((a) => a.putMs ?? NaN)) : NaN;
  const notes = [
    `${workers} worker(s) per pool (one per CPU); a peer's cell shows in brackets how many times better tsray does (> 1: tsray better).`,
    `throughput: best of ${RUNS} runs; 80 MB: median of ${RUNS}, submission -> the task's first line by its own clock.`,
    `tsray's ray.put of the 80 MB array (one copy into shared memory, not part of the reach time): ${formatMs(putMs)}.`,
    `memory: process heap/RSS after a GC, with all ${QUEUED.toLocaleString("en-US")} submitted and queued, minus before; "kept": after they ran and their refs were dropped.`,
    ours?.memory
      ? `tsray with ${ours.memory.queued.toLocaleString("en-US")} queued: heap +${fmtMb(ours.memory.queuedHeapMb)}, RSS +${fmtMb(ours.memory.queuedRssMb)}; ` +
        `all ran in ${formatMs(ours.memory.queueMs)}; heap kept after: ${fmtMb(ours.memory.retainedHeapMb)}.`
      : "tsray: no memory measurement.",
    ...results.filter((r) => (r.scaleDown ?? 1) > 1).map((r) => `${r.label}: ${r.scaleDown}x fewer tasks in the throughput and memory runs (too slow for the full counts).`),
    `machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end.`,
    ...results.filter((r) => r.error).map((r) => `${r.label} FAILED: ${r.error}`),
  ];
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    workers,
    settings: { tiny: TINY, roundTrips: ROUND_TRIPS, queued: QUEUED, runs: RUNS, arrayLength: ARRAY_LENGTH },
    targets: TARGETS,
    verdicts: Object.fromEntries(metrics.filter((m) => m.target).map((m) => [m.name, verdict(m.pass)])),
    pools: results.map((r) => ({
      ...r,
      summary: { tinyPerSecond: round(tiny(r), 0), roundTripUs: round(trip(r), 1), arrayReachMs: round(reach(r), 3), shared: shared(r), waitOverGet: round(waitOverGet(r), 2) },
      roundTripUs: undefined,
    })),
  };
  return { headers: ["metric", "tsray", ...peers.map((p) => p.label), "target", "verdict"], rows, notes, json };
}

export const runtimeSuite: BenchSuite = {
  name: "runtime",
  title: "Task runtime: tsray vs piscina, workerpool, threads.js Pool, raw worker_threads",
  async run(log) {
    const workers = availableParallelism();
    const array = new Float64Array(ARRAY_LENGTH).fill(1.5);
    const pools = [tsrayPool(), ...PEERS.map((make) => make())].filter((pool) => !SELECTED || SELECTED.includes(pool.id));
    const results: Measured[] = [];
    for (const pool of pools) {
      log(`measuring ${pool.label}...`);
      try {
        results.push(await measurePool(pool, workers, array, log));
      } catch (error) {
        results.push({ id: pool.id, label: pool.label, tinyPerSecond: [], roundTripUs: [], array: [], error: String(error) });
      }
    }
    return report(results, workers);
  },
};
