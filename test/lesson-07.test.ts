// Lesson 07 run through the real kernel twice: with redis-server, where it starts a local
// two-node cluster (lesson 02's 2W batch over both nodes within 3% of 3W - 2 units, the
// Gantt chart naming both nodes, a node killed mid-batch: every result arrives, and
// maxRetries 0 fails with WorkerCrashedError naming the node), and leaves no Redis or node
// agent running; and with a redis-server that cannot run, where it says how to install one
// and every cell that needs the cluster skips itself.
import { processAlive } from "../runtime/cluster/launch/process-alive";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { LessonRun, runLesson, text, stdout, allStdout, failingCellIds, failureDetails } from "./support/lesson-run";
import { isWellFormedXml } from "./support/svg";

const LESSON = "notebooks/07-Running-On-A-Cluster.ipynb";
/** The cells that need the cluster, each printing "skipped: ..." without one. */
const GUARDED = ["cl-06", "cl-08", "cl-10", "cl-13", "cl-15", "cl-17", "cl-20", "cl-22", "cl-24"];
/** What the lesson's 2W batch (W = 4, u = 0.5 s) should take: (3W - 2)·u. */
const EXPECTED_SECONDS = 5.0;

const CLUSTER_PROCESSES = "redis-server|node/main.js";

function pgrep(pattern: string): number[] {
  const ran = spawnSync("pgrep", ["-f", pattern], { encoding: "utf8" });
  return ran.stdout.split("\n").filter(Boolean).map(Number);
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "latin1").replace(/\0/g, " ");
  } catch {
    return ""; // gone, or not ours to read
  }
}


/** Runs the lesson with `env` added to the kernel's environment (its processes inherit it). */
async function runWith(env: Record<string, string>): Promise<LessonRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await runLesson(LESSON);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const cellOut = (r: LessonRun, id: string) => {
  const report = r.reports.find((candidate) => candidate.cell.id === id);
  if (!report) throw new Error(`the lesson has no cell ${id}`);
  return report;
};
const cellStdout = (r: LessonRun, id: string) => stdout(cellOut(r, id).outputs);
const displayed = (r: LessonRun, id: string, mime: string) =>
  cellOut(r, id).outputs.flatMap((o) => (o.output_type === "display_data" && (o.data as Record<string, unknown>)[mime] !== undefined ? [(o.data as Record<string, unknown>)[mime]] : []));
/** Lesson 02's bound for a local batch (lesson-02.test.ts): a cold first run may add a little. */
const LOCAL_BOUND: [number, number] = [EXPECTED_SECONDS - 0.01, EXPECTED_SECONDS * 1.03 + 0.1];
const totalTime = (out: string, nodes: number) => Number(new RegExp(`Total time on ${nodes} node\\(s\\): duration: +([\\d.]+) seconds`).exec(out)?.[1]);

describe("lesson 07: running on a cluster (about 30 s)", function () {
  this.timeout(300_000);
  let run: LessonRun;
  let withoutRedis: LessonRun;
  const marker = `tsray-lesson-07-${process.pid}-${Date.now()}`;
  let earlier: number[] = [];
  let leftovers: number[] = [];

  before(async function () {
    earlier = pgrep(CLUSTER_PROCESSES);
    run = await runWith({ TSRAY_LESSON_07_RUN: marker });
    // Processes started during the run that are still there, and ours (another test on this
    // machine may start clusters of its own meanwhile): node agents inherit the marker from
    // the kernel; redis-server writes its title over its environment, so it is known by the
    // port the lesson connected to ("redis-server 127.0.0.1:PORT").
    const port = /Started a connection to the tsray cluster at [^\s:]+:(\d+):/.exec(allStdout(run))?.[1];
    const isOurs = (pid: number) => readProc(pid, "environ").includes(marker) || (port !== undefined && readProc(pid, "cmdline").trim().endsWith(`:${port}`));
    const ours = () => pgrep(CLUSTER_PROCESSES).filter((pid) => !earlier.includes(pid) && isOurs(pid));
    leftovers = ours();
    for (let waited = 0; leftovers.length > 0 && waited < 5000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      leftovers = ours();
    }

    // A redis-server that cannot run, first on PATH: the lesson must skip its cluster cells.
    const fakeBin = mkdtempSync(join(tmpdir(), "tsray-no-redis-"));
    try {
      writeFileSync(join(fakeBin, "redis-server"), "#!/bin/sh\nexit 127\n");
      chmodSync(join(fakeBin, "redis-server"), 0o755);
      withoutRedis = await runWith({ PATH: `${fakeBin}${delimiter}${process.env.PATH ?? ""}` });
    } finally {
      rmSync(fakeBin, { recursive: true, force: true });
    }
  });

  after(() => {
    // Whatever is left is killed, so that it cannot disturb other tests (the test below fails).
    for (const pid of leftovers) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("runs every cell without an error, with and without redis-server", () => {
    expect(failingCellIds(run), failureDetails(run)).to.deep.equal([]);
    expect(failingCellIds(withoutRedis), failureDetails(withoutRedis)).to.deep.equal([]);
  });

  it("connects to a cluster of two nodes and 4 CPUs, and lists both nodes alive", () => {
    expect(cellStdout(run, "cl-06")).to.match(/Started a connection to the tsray cluster at 127\.0\.0\.1:\d+: 2 node\(s\), 4 CPU\(s\)\./);
    expect(cellStdout(run, "cl-06"), "the password is not printed").not.to.match(/redis:\/\/:/);
    const table = cellStdout(run, "cl-08");
    const rows = table.split("\n").filter((line) => /'[0-9a-f]{12}'/.test(line));
    expect(rows, table).to.have.length(2);
    for (const row of rows) expect(row, table).to.match(/│ true +│/);
    expect(table).to.contain("cluster:   { CPU: 4 }");
    expect(cellStdout(run, "cl-10")).to.match(/\(whereAmI pid=\d+, worker=\d+, node=[^/\s]+\/[0-9a-f]{6}\) task 0 runs in process \d+/);
  });

  it(`runs lesson 02's 2W batch over both nodes in (3W - 2)·u = ${EXPECTED_SECONDS} s, within 3%, and draws both nodes`, () => {
    const out = cellStdout(run, "cl-13");
    expect(out).to.contain("W = 4 CPUs on 2 node(s): expected (3W - 2)·u = 10 × 0.5 s = 5.000 s");
    expect(out).to.contain("all 8 results: 0, 1, 2, 3, 4, 5, 6, 7");
    expect(totalTime(out, 2), out).to.be.within(EXPECTED_SECONDS * 0.97, EXPECTED_SECONDS * 1.03);

    const nodeIds = [...cellStdout(run, "cl-08").matchAll(/'([0-9a-f]{12})'/g)].map((match) => match[1]);
    expect(nodeIds).to.have.length(2);
    const [spec] = displayed(run, "cl-15", "application/vnd.vegalite.v5+json") as { data: { values: { worker: string }[] } }[];
    const [svg] = displayed(run, "cl-15", "image/svg+xml").map(text);
    expect(isWellFormedXml(svg), svg.slice(0, 200)).to.equal(true);
    const rows = new Set(spec.data.values.map((value) => value.worker));
    for (const id of nodeIds) {
      const label = `/${id.slice(0, 6)})`;
      expect([...rows].filter((row) => row.endsWith(label)), `rows of node ${id}: ${[...rows].join(", ")}`).to.have.length(2);
      expect(svg, `the SVG names node ${id}`).to.contain(label);
    }
  });

  it("shows both nodes on the dashboard, four worker rows naming them", () => {
    const out = cellStdout(run, "cl-17");
    expect(out).to.match(/^dashboard: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(out.match(/^node [0-9a-f]{12} on \S+: 2 CPUs, 2 workers$/gm), out).to.have.length(2);
    expect(/^its worker rows: (.*)$/m.exec(out)?.[1].split(", "), out).to.have.length(4);
  });

  it("a node killed mid-batch: every result arrives from the survivor; maxRetries 0 fails with WorkerCrashedError naming the node", () => {
    const retried = cellStdout(run, "cl-20");
    expect(retried).to.match(/all 4 results arrived after [\d.]+ s/);
    const [, pids, survivor] = /they came from processes ([\d, ]+): the survivor is (\d+)/.exec(retried) ?? [];
    expect(pids?.split(", "), retried).to.deep.equal([survivor, survivor, survivor, survivor]);

    const once = cellStdout(run, "cl-22");
    const spare = /^node ([0-9a-f]{12}) \(process \d+\) joined: 4 CPUs again$/m.exec(once)?.[1];
    expect(spare, once).to.be.a("string");
    expect(once.match(/^task \d: returned \d+ \(the survivor\)$/gm), once).to.have.length(2);
    const crashed = once.match(/^task \d: WorkerCrashedError \(instanceof WorkerCrashedError: true\): .*$/gm) ?? [];
    expect(crashed, once).to.have.length(2);
    for (const line of crashed) expect(line).to.contain(`its node ${spare}`);

    const table = cellStdout(run, "cl-24");
    expect(table.split("\n").filter((line) => /│ false +│/.test(line)), table).to.have.length(2);
    expect(table).to.contain("cluster: { CPU: 2 }");
  });

  it("runs the same 2W function unchanged on one machine, in 3W - 2 units too", () => {
    expect(cellStdout(run, "cl-26")).to.contain("cluster stopped: 0 of its 4 processes still running");
    const out = cellStdout(run, "cl-28");
    expect(out).to.contain("W = 4 CPUs on 1 node(s)");
    expect(totalTime(out, 1), out).to.be.within(...LOCAL_BOUND);
    expect(cellStdout(run, "cl-29")).to.contain("after shutdown: false");
  });

  it("leaves no redis-server or node agent running", () => {
    const printed = allStdout(run);
    const started = [
      ...(/Redis runs as process (\d+), the two node agents as processes (\d+) and (\d+)/.exec(printed)?.slice(1) ?? []),
      ...(/\(process (\d+)\) joined/.exec(printed)?.slice(1) ?? []),
    ].map(Number);
    expect(started, "the lesson printed the processes it started").to.have.length(4);
    expect(started.filter(processAlive), "processes the lesson started, still running").to.deep.equal([]);
    const described = leftovers.map((pid) => `${pid}: ${readProc(pid, "cmdline")}`);
    expect(described, "redis-server or node agents started during the run, still running (now killed)").to.deep.equal([]);
  });

  it("without a working redis-server, says how to install it and skips every cell that needs the cluster", () => {
    const first = cellStdout(withoutRedis, "cl-04");
    expect(first).to.contain("No cluster this time: no redis-server on PATH: install it (Debian/Ubuntu: `apt-get install redis-server`");
    for (const id of GUARDED) expect(cellStdout(withoutRedis, id), `cell ${id}`).to.match(/^skipped: no cluster$/m);
    expect(cellStdout(withoutRedis, "cl-26")).to.contain("no cluster to stop");
    const local = cellStdout(withoutRedis, "cl-28");
    expect(totalTime(local, 1), local).to.be.within(...LOCAL_BOUND);
  });
});
