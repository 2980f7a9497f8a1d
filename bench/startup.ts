// Startup benchmark: what a cold pool costs a program, tsray against piscina and a
// hand-written worker_threads pool, each figure in a fresh process (startup-child.ts), the
// pools interleaved, RUNS times; medians.
//   memory per worker   RSS added by a pool of 8 once each worker ran a task, over 8
//   first result        creating a pool of 2, then one tiny task's result
//   first .remote()     tsray: the first `.remote()` of a function a plain program defines
//                       (its shipping: locating its source, finding its free names)
//   2W batch            a pool of 8, then at once 16 tasks sleeping 0..15 units of 0.25 s:
//                       FIFO ends at 22 units (the lesson's 3W - 2); and when the first began
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BenchSuite, SuiteReport } from "./suite";
import { median } from "./support/stats";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const POOLS = [
  { id: "tsray", label: "tsray" },
  { id: "piscina", label: "piscina" },
  { id: "raw", label: "raw worker_threads" },
];
const FIGURES = ["memory", "first", "batch"] as const;

export const STARTUP_TARGETS = { perWorkerMb: 15, firstRemoteMs: 20, firstStartMs: 200, batchUnits: 22 * 1.03 };

type Sample = { perWorkerMb?: number; firstResultMs?: number; remoteMs?: number; firstStartMs?: number; units?: number; unitsFromStart?: number };

async function measure(pool: string, figure: string): Promise<Sample> {
  const child = join(__dirname, "startup-child.js");
  const { stdout } = await promisify(execFile)(process.execPath, [child, pool, figure], { timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Sample;
}

function report(samples: Map<string, Sample[]>): SuiteReport {
  const of = (pool: string, key: keyof Sample) => median((samples.get(pool) ?? []).map((s) => s[key]).filter((v): v is number => v !== undefined));
  const fmt = (value: number, unit: string, digits = 1) => (Number.isFinite(value) ? `${value.toFixed(digits)} ${unit}` : "n/a");
  const ratio = (ours: number, theirs: number) => (Number.isFinite(theirs) && Number.isFinite(ours) ? ` (${(ours / theirs).toFixed(2)}x)` : "");
  const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");
  const row = (name: string, key: keyof Sample, unit: string, target: string, pass: (v: number) => boolean, digits = 1) => {
    const ours = of("tsray", key);
    return [name, fmt(ours, unit, digits), ...POOLS.slice(1).map((p) => fmt(of(p.id, key), unit, digits) + ratio(ours, of(p.id, key))), target, verdict(pass(ours))];
  };
  const rows = [
    row("RSS per worker (pool of 8)", "perWorkerMb", "MB", `<= ${STARTUP_TARGETS.perWorkerMb} MB`, (v) => v <= STARTUP_TARGETS.perWorkerMb),
    row("pool of 2 to first result", "firstResultMs", "ms", "", () => true, 0),
    row("first .remote() of a function", "remoteMs", "ms", `<= ${STARTUP_TARGETS.firstRemoteMs} ms`, (v) => v <= STARTUP_TARGETS.firstRemoteMs),
    row("2W batch, from its submission", "units", "units", `<= ${STARTUP_TARGETS.batchUnits.toFixed(2)}`, (v) => v <= STARTUP_TARGETS.batchUnits, 2),
    row("  its first task began after", "firstStartMs", "ms", `<= ${STARTUP_TARGETS.firstStartMs} ms`, (v) => v <= STARTUP_TARGETS.firstStartMs, 0),
    row("2W batch, from the pool's creation", "unitsFromStart", "units", "", () => true, 2),
  ];
  for (const r of rows) if (r[r.length - 2] === "") r[r.length - 1] = "";
  return {
    headers: ["metric", ...POOLS.map((p) => p.label), "target", "verdict"],
    rows,
    notes: [
      `each figure in a fresh process, pools interleaved, median of ${RUNS}; a peer's cell shows in brackets tsray's figure over the peer's (< 1: tsray better)`,
      "2W batch: 16 tasks sleeping 0..15 units of 0.25 s on 8 workers, submitted as soon as the pool is made (tsray: right after ray.init, which waits for its threads to load); FIFO ideal 22 units",
      "tsray's pool is `ray.init({ numCpus })` with its defaults: the dashboard is started too",
    ],
    json: Object.fromEntries(samples),
  };
}

export const startupSuite: BenchSuite = {
  name: "startup",
  title: "Cold start: tsray vs piscina and raw worker_threads (fresh processes)",
  async run(log) {
    const samples = new Map<string, Sample[]>(POOLS.map((p) => [p.id, []]));
    for (let run = 1; run <= RUNS; run++) {
      for (const figure of FIGURES) {
        for (const pool of POOLS) {
          const sample = await measure(pool.id, figure);
          samples.get(pool.id)!.push(sample);
          log(`  run ${run}, ${figure}, ${pool.label}: ${JSON.stringify(sample)}`);
        }
      }
    }
    return report(samples);
  },
};
