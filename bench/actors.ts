// Actor benchmark: the cost of a method call on one actor.
//
//   sequential call   call a method and `get` its result, SEQUENTIAL times in a row; median
//                     (Ray's published 1:1 sync actor calls: 2,159/s, i.e. 463 µs a call)
//   pipelined calls   submit PIPELINED calls to one actor at once, one `get` of all; best
//                     of RUNS
// The peer, measured in the same run: piscina with one thread, the same counts of tasks
// (a task round trip against a call round trip: what a user of one would compare).
import { cpus, loadavg } from "node:os";
import * as ray from "../runtime";
import { piscinaPool } from "./peers";
import type { BenchSuite, SuiteReport } from "./suite";
import { median, round } from "./support/stats";

const SEQUENTIAL = Number(process.env.BENCH_ACTOR_SEQUENTIAL ?? 2_000);
const PIPELINED = Number(process.env.BENCH_ACTOR_PIPELINED ?? 20_000);
const RUNS = 3;

export const ACTOR_TARGETS = { sequentialUs: 60, pipelinedPerSecond: 50_000 };
const RAY_SEQUENTIAL_US = 463;

class Accumulator {
  private total = 0;
  add(x: number): number {
    this.total += x;
    return this.total;
  }
}

export const actorSuite: BenchSuite = {
  name: "actors",
  title: "Actors: sequential and pipelined method calls on one actor",
  async run(log) {
    ray.init({ numCpus: 2 });
    const sequentialUs: number[] = [];
    const pipelinedPerSecond: number[] = [];
    try {
      const actor = ray.remote(Accumulator).remote();
      for (let i = 0; i < 200; i++) await ray.get(actor.add.remote(1));
      await ray.get(Array.from({ length: 2_000 }, () => actor.add.remote(1)));
      for (let i = 0; i < SEQUENTIAL; i++) {
        const start = performance.now();
        await ray.get(actor.add.remote(1));
        sequentialUs.push((performance.now() - start) * 1000);
      }
      for (let run = 0; run < RUNS; run++) {
        const start = performance.now();
        const refs = new Array(PIPELINED);
        for (let i = 0; i < PIPELINED; i++) refs[i] = actor.add.remote(1);
        await ray.get(refs);
        pipelinedPerSecond.push(PIPELINED / ((performance.now() - start) / 1000));
      }
      ray.kill(actor);
    } finally {
      await ray.shutdown();
    }
    const peer = await measurePiscina();
    const sequential = median(sequentialUs);
    const pipelined = Math.max(...pipelinedPerSecond);
    const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");
    log(`  sequential ${sequential.toFixed(1)} µs a call, pipelined ${Math.round(pipelined)} calls/s`);
    const report: SuiteReport = {
      headers: ["metric", "tsray", "piscina, 1 thread", "Ray (published)", "target", "verdict"],
      rows: [
        [`sequential call + get, median of ${SEQUENTIAL.toLocaleString("en-US")}`, `${sequential.toFixed(1)} µs`, `${median(peer.sequentialUs).toFixed(1)} µs (${(sequential / median(peer.sequentialUs)).toFixed(2)}x)`, `${RAY_SEQUENTIAL_US} µs`, `<= ${ACTOR_TARGETS.sequentialUs} µs`, verdict(sequential <= ACTOR_TARGETS.sequentialUs)],
        [
          `pipelined, ${PIPELINED.toLocaleString("en-US")} calls then one get`,
          `${Math.round(pipelined).toLocaleString("en-US")}/s`,
          `${Math.round(Math.max(...peer.perSecond)).toLocaleString("en-US")}/s (${(pipelined / Math.max(...peer.perSecond)).toFixed(2)}x)`,
          "n/a",
          `>= ${ACTOR_TARGETS.pipelinedPerSecond.toLocaleString("en-US")}/s`,
          verdict(pipelined >= ACTOR_TARGETS.pipelinedPerSecond),
        ],
      ],
      notes: [
        `one actor (its own thread) with a synchronous method; pipelined: best of ${RUNS} runs; a peer's ratio is tsray's figure over its (sequential: < 1 better; pipelined: > 1 better).`,
        `Ray's figure: its published 1:1 sync actor calls, 2,159/s.`,
        `machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end.`,
      ],
      json: {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        settings: { sequential: SEQUENTIAL, pipelined: PIPELINED, runs: RUNS },
        targets: ACTOR_TARGETS,
        summary: { sequentialUs: round(sequential, 1), pipelinedPerSecond: round(pipelined, 0) },
        pipelinedPerSecond,
        sequentialUs,
        piscina: peer,
      },
    };
    return report;
  },
};

/** piscina with one thread: SEQUENTIAL task round trips (median) and PIPELINED tasks at once (best of RUNS). */
async function measurePiscina(): Promise<{ sequentialUs: number[]; perSecond: number[] }> {
  const pool = piscinaPool();
  await pool.start(1);
  try {
    for (let i = 0; i < 200; i++) await pool.roundTrip(i);
    const sequentialUs: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const start = performance.now();
      await pool.roundTrip(i);
      sequentialUs.push((performance.now() - start) * 1000);
    }
    const perSecond: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      await pool.tiny(PIPELINED);
      perSecond.push(PIPELINED / ((performance.now() - start) / 1000));
    }
    return { sequentialUs, perSecond };
  } finally {
    await pool.stop();
  }
}
