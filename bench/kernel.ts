// Kernel benchmark: tsray against plain tslab and the IPython kernel, through our own
// client (client/kernel-client.ts), as Jupyter would drive them.
//
//   start-to-first-result  spawn of the kernel process -> first result of `1+1` arrives
//                          (median over BENCH_STARTS fresh kernels, after one discarded warm-up)
//   per-cell round trip    execute_request sent -> its reply and idle status received,
//                          over BENCH_CELLS trivial cells in one kernel
//   workers (tsray)        then, in that kernel, a cell starts 8 of the runtime's worker
//                          threads: the RSS each adds, and when the first task started
//
// Targets (from the issue): start <= 1.0 s median; per-cell median <= 10 ms; no growth from
// the first 20 cells to the last 20.
//
// A cell whose reply or idle status never comes is counted as lost and left out of the
// statistics; the series goes on in the same kernel. (tslab 1.0.22 loses one now and then:
// it sends without awaiting, and zeromq 6 throws "Socket is busy writing" when a send is
// still pending, so that message is dropped -- the reason for our SerialSender.)
//
// Environment: BENCH_STARTS (5), BENCH_CELLS (200), BENCH_KERNELS (tsray,tslab,ipython).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { ChildProcess } from "node:child_process";
import { KernelClient } from "../client/kernel-client";
import { writeConnectionFile } from "../client/launch";
import type { Message } from "../kernel/protocol/wire";
import type { BenchSuite, SuiteReport } from "./suite";
import { descendantsOf } from "../client/process-tree";
import { killTree, sleep, spawnGroup, waitForListening } from "./support/processes";
import { formatMs, formatRatio, median, round, summarize } from "./support/stats";

const ROOT = resolve(__dirname, "../..");

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const CELLS = Number(process.env.BENCH_CELLS ?? 200);
/** Comma-separated kernel ids to measure (default: all). */
const SELECTED = process.env.BENCH_KERNELS?.split(",").map((id) => id.trim());
const EDGE = 20; // cells at each end compared for growth
const START_TIMEOUT_MS = 60_000;
/** A cell whose reply or idle status has not come by then is counted as lost, and the series goes on. */
const CELL_TIMEOUT_MS = 5_000;
/** More lost cells than this end the series as failed. */
const MAX_LOST_CELLS = 10;
/** A start or a cell series that fails (a stalled or dead kernel) is tried this often in all. */
const ATTEMPTS = 3;
const PROBE_INTERVAL_MS = 20;
/** How long a kernel sits idle after its cells before its memory is read again: a learner's pause. */
const REST_MS = 5_000;

export const TARGETS = {
  startMedianMs: 1000,
  cellMedianMs: 10,
  /** "No growth": last-20 median within this factor of the first-20 median... */
  growthFactor: 1.1,
  /** ...or within this many ms of it (timer noise on sub-ms round trips). */
  growthSlackMs: 0.5,
};

type KernelId = "tsray" | "tslab" | "ipython";

interface KernelSpec {
  id: KernelId;
  label: string;
  command: string;
  args(connectionFile: string): string[];
  env(scratch: string): NodeJS.ProcessEnv;
  cell(i: number): string;
  /** A cell that starts WORKERS worker threads and answers how many ms its first task started after it began (tsray only). */
  workersCell?: string;
}

/** Worker threads the kernel's runtime starts in one cell, after the cell series. */
const WORKERS = 8;

const tslabBin = () => join(resolve(require.resolve("tslab/package.json"), ".."), "bin", "tslab");

const KERNELS: KernelSpec[] = [
  {
    id: "tsray",
    label: "tsray (ours)",
    command: process.execPath,
    args: (file) => [join(ROOT, "bin", "tsray.js"), "kernel", file],
    // History goes to the Jupyter data dir: keep it out of the user's.
    env: (scratch) => ({ ...process.env, JUPYTER_DATA_DIR: join(scratch, "jupyter-data") }),
    cell: (i) => `const x${i} = ${i}; x${i}`,
    workersCell: [
      "const began = Date.now();",
      `await ray.init({ numCpus: ${WORKERS}, dashboard: false });`,
      "const firstStarted = await ray.get(ray.remote(() => Date.now()).remote());",
      `await ray.get(Array.from({ length: ${WORKERS} }, () => ray.remote(() => 1).remote()));`,
      "firstStarted - began",
    ].join("\n"),
  },
  {
    id: "tslab",
    label: "tslab",
    command: process.execPath,
    args: (file) => [tslabBin(), "kernel", "--config-path", file],
    env: () => ({ ...process.env }),
    cell: (i) => `const x${i} = ${i}; x${i}`,
  },
  {
    id: "ipython",
    label: "ipykernel",
    // Debian's python3-ipykernel, not the pyenv python3 on PATH.
    command: "/usr/bin/python3",
    args: (file) => ["-m", "ipykernel_launcher", "-f", file],
    env: (scratch) => ({ ...process.env, IPYTHONDIR: join(scratch, "ipython"), JUPYTER_DATA_DIR: join(scratch, "jupyter-data") }),
    cell: (i) => `x${i} = ${i}; x${i}`,
  },
];

/** The text of a cell's value: execute_result (tsray, IPython) or stdout (tslab prints it). */
function resultText(message: Message): string | undefined {
  const type = message.header.msg_type;
  if (type === "execute_result" || type === "display_data") return message.content.data?.["text/plain"];
  if (type === "stream" && message.content.name === "stdout") return String(message.content.text).trim();
  return undefined;
}

// ---- /proc readings of a kernel's process tree ------------------------------------------

const CLOCK_TICKS = 100; // USER_HZ on Linux

function treeOf(pid: number | undefined): number[] {
  return pid === undefined ? [] : [pid, ...descendantsOf(pid)];
}

/** CPU time (user + system, ms) used so far by the process and its descendants. */
function treeCpuMs(pid: number | undefined): number {
  let ticks = 0;
  for (const member of treeOf(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone or no /proc
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

interface TreeMemory {
  /** Resident memory (MB) summed over the tree: pages two processes share count twice. */
  rssMb: number;
  /**
   * Proportional set size (MB) summed over the tree: a shared page counts once, split
   * between its processes (tsray's kernel and executor share Node's binary and libraries).
   */
  pssMb: number;
}

/** Memory of the process and its descendants, from /proc/PID/smaps_rollup. */
function treeMemory(pid: number | undefined): TreeMemory {
  let rssKb = 0;
  let pssKb = 0;
  for (const member of treeOf(pid)) {
    try {
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, "utf8");
      rssKb += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      pssKb += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // gone or no /proc
    }
  }
  return { rssMb: rssKb / 1024, pssMb: pssKb / 1024 };
}

// ---- starting and stopping a kernel ------------------------------------------------------

interface StartTiming {
  /** spawn -> shell and iopub ports listen */
  listenMs: number;
  /** spawn -> a kernel_info exchange (reply and idle status) completes: client connected */
  readyMs: number;
  /** spawn -> the result of `1+1` arrives on iopub (the measure) */
  firstResultMs: number;
  /** spawn -> the idle status of `1+1` */
  firstIdleMs: number;
  /** kernel_info requests sent until one came back whole */
  probes: number;
  /** CPU used by the kernel's process tree until the first result */
  cpuMs: number;
  rssMb: number;
}

interface RunningKernel {
  spec: KernelSpec;
  child: ChildProcess;
  client: KernelClient;
  timing: StartTiming;
  /** Rejects if the kernel exits. */
  died: Promise<never>;
  stderrTail(): string;
  stop(): Promise<void>;
}

/** `promise`, or a rejection after `ms` that says what was seen (`detail`). */
async function within<T>(promise: Promise<T>, ms: number, what: string, detail: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s; ${detail().slice(-2000)}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function exitOf(child: ChildProcess, stderr: () => string): Promise<never> {
  return new Promise((_, reject) =>
    child.once("exit", (code, signal) =>
      reject(new Error(`the kernel exited (${signal ?? `code ${code}`}) before answering:\n${stderr().slice(-2000)}`))
    )
  );
}

/** Sends kernel_info until one exchange completes: then our iopub subscription is live. */
async function probeUntilReady(client: KernelClient, died: Promise<never>): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let probes = 1; Date.now() < deadline; probes++) {
    const attempt = client.request("shell", "kernel_info_request", {});
    const settled = await Promise.race([attempt, sleep(PROBE_INTERVAL_MS), died]);
    if (settled) return probes;
  }
  throw new Error(`no kernel_info exchange within ${START_TIMEOUT_MS / 1000} s`);
}

async function startKernel(spec: KernelSpec, scratch: string, cwd: string): Promise<RunningKernel> {
  const dir = mkdtempSync(join(scratch, `${spec.id}-`));
  const { file, info } = await writeConnectionFile(dir);
  let stderr = "";

  const t0 = performance.now();
  const child = spawnGroup(spec.command, spec.args(file), { cwd, env: spec.env(scratch) });
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const died = exitOf(child, () => stderr);
  died.catch(() => undefined);
  let client: KernelClient | undefined;
  const stop = async () => {
    client?.close();
    await killTree(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // Connect only once the ports listen: a client that connects earlier waits out
    // zeromq's 100 ms reconnect interval, which would blur the start time.
    await Promise.race([waitForListening([info.shell_port, info.iopub_port], child, START_TIMEOUT_MS), died]);
    const listenMs = performance.now() - t0;
    client = new KernelClient(info);
    client.connect();
    const probes = await probeUntilReady(client, died);
    const readyMs = performance.now() - t0;

    let firstResultMs = NaN;
    let text: string | undefined;
    const exchange = await within(Promise.race([
      client.execute("1+1", {
        onMessage: (message) => {
          const found = resultText(message);
          if (found === undefined || text !== undefined) return;
          firstResultMs = performance.now() - t0;
          text = found;
        },
      }),
      died,
    ]), START_TIMEOUT_MS, "the first cell", () => `kernel stderr: ${stderr}`);
    const firstIdleMs = performance.now() - t0;
    if (exchange.reply.content.status !== "ok" || text !== "2") {
      throw new Error(`1+1 gave ${JSON.stringify(text)} (${exchange.reply.content.status}): ${JSON.stringify(exchange.messages.map((m) => m.content))}`);
    }
    const timing = { listenMs, readyMs, firstResultMs, firstIdleMs, probes, cpuMs: treeCpuMs(child.pid), rssMb: treeMemory(child.pid).rssMb };
    return { spec, child, client, timing, died, stderrTail: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---- the measurements --------------------------------------------------------------------

interface CellSeries {
  /** Round trips of the cells that completed, in order. */
  roundTripsMs: number[];
  /** Cells whose reply or idle status never came (excluded from the statistics). */
  lostCells: { cell: number; detail: string }[];
  median: number;
  first20Median: number;
  last20Median: number;
  p90: number;
  max: number;
  /** CPU of the kernel's process tree per cell, averaged over the series */
  cpuMsPerCell: number;
  rssMbBefore: number;
  after: TreeMemory;
  /** The same, once the kernel has sat idle for REST_MS after the last cell. */
  atRest: TreeMemory;
  /** After the series, the runtime's worker threads in the same kernel (tsray only). */
  workers?: WorkersInKernel;
}

interface WorkersInKernel {
  /** RSS the kernel's tree gained per worker thread, a second after the cell that started them. */
  rssMbPerWorker: number;
  /** From the cell's start to its first task's start (ray.init included). */
  firstTaskMs: number;
}

/** Runs the kernel's workers cell, if it has one, and measures what the threads cost. */
async function runWorkers(kernel: RunningKernel): Promise<WorkersInKernel | undefined> {
  const { client, child, spec } = kernel;
  if (!spec.workersCell) return undefined;
  const before = treeMemory(child.pid).rssMb;
  const exchange = await within(client.execute(spec.workersCell), 60_000, "workers cell", () => kernel.stderrTail());
  // Its value, not the runtime's "Started a local tsray instance" line before it.
  const value = exchange.messages.find((message) => message.header.msg_type === "execute_result");
  const firstTaskMs = Number(value && resultText(value));
  if (exchange.reply.content.status !== "ok" || !Number.isFinite(firstTaskMs)) {
    throw new Error(`the workers cell of ${spec.id} failed: ${JSON.stringify(exchange.reply.content).slice(0, 300)}`);
  }
  await sleep(1000);
  return { rssMbPerWorker: (treeMemory(child.pid).rssMb - before) / WORKERS, firstTaskMs };
}

async function runCells(kernel: RunningKernel, log: (line: string) => void): Promise<CellSeries> {
  const { client, child, spec } = kernel;
  const progress = Math.max(1, Math.floor(CELLS / 4));
  const roundTripsMs: number[] = [];
  const lostCells: CellSeries["lostCells"] = [];
  const rssMbBefore = treeMemory(child.pid).rssMb;
  const cpuBefore = treeCpuMs(child.pid);
  for (let i = 1; i <= CELLS; i++) {
    const t = performance.now();
    const lastIopub = () =>
      client.iopubLog.slice(-3).map((m) => `${m.header.msg_type} ${JSON.stringify(m.content).slice(0, 60)}`).join("; ");
    let exchange;
    try {
      exchange = await within(Promise.race([client.execute(spec.cell(i)), kernel.died]), CELL_TIMEOUT_MS, `cell ${i}`, () =>
        `last iopub messages: ${lastIopub()}; kernel stderr: ${kernel.stderrTail()}`
      );
    } catch (error) {
      // A dead kernel ends the series; a live one that dropped a message goes on.
      if (child.exitCode !== null || child.signalCode !== null) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      lostCells.push({ cell: i, detail });
      log(`    ${spec.id}: LOST ${detail.split("\n")[0]}`);
      if (lostCells.length > MAX_LOST_CELLS) throw new Error(`more than ${MAX_LOST_CELLS} cells lost; last: ${detail}`);
      continue;
    }
    roundTripsMs.push(performance.now() - t);
    if (i % progress === 0) log(`    ${spec.id}: ${i}/${CELLS} cells, last ${formatMs(roundTripsMs[roundTripsMs.length - 1])}`);
    const text = exchange.messages.map(resultText).find((found) => found !== undefined);
    if (exchange.reply.content.status !== "ok" || text !== String(i)) {
      throw new Error(`cell ${i} of ${spec.id} gave ${JSON.stringify(text)} (${exchange.reply.content.status})`);
    }
  }
  const cpuMsPerCell = (treeCpuMs(child.pid) - cpuBefore) / Math.max(1, roundTripsMs.length);
  const edge = Math.min(EDGE, roundTripsMs.length);
  const summary = summarize(roundTripsMs);
  return {
    roundTripsMs: roundTripsMs.map((ms) => round(ms)),
    lostCells,
    median: summary.median,
    first20Median: median(roundTripsMs.slice(0, edge)),
    last20Median: median(roundTripsMs.slice(-edge)),
    p90: summary.p90,
    max: summary.max,
    cpuMsPerCell,
    rssMbBefore,
    after: treeMemory(child.pid),
    atRest: await sleep(REST_MS).then(() => treeMemory(child.pid)),
  };
}

interface KernelResult {
  id: KernelId;
  label: string;
  command: string;
  error?: string;
  warmupStart?: StartTiming;
  starts: StartTiming[];
  startMedianMs: number;
  cells?: CellSeries;
  /** Failed attempts that were retried (a stalled or crashed kernel). */
  incidents: string[];
}

const medianOf = (starts: StartTiming[], key: keyof StartTiming) => median(starts.map((start) => start[key]));

async function measure(log: (line: string) => void): Promise<KernelResult[]> {
  const scratch = mkdtempSync(join(tmpdir(), "tsray-bench-"));
  // The kernels run in an empty directory of their own: TypeScript's file watchers in the
  // TS kernels then see no builds going on in the repository (and no dev-only @types).
  const cwd = mkdtempSync(join(tmpdir(), "tsray-bench-cwd-"));
  const removeDirs = () => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  };
  process.once("exit", removeDirs);
  const results = new Map<KernelId, KernelResult>(
    KERNELS.map((spec) => [spec.id, { id: spec.id, label: spec.label, command: [spec.command, ...spec.args("<connection_file>")].join(" "), starts: [], startMedianMs: NaN, incidents: [] }])
  );
  const fail = (spec: KernelSpec, error: unknown) => {
    const result = results.get(spec.id)!;
    result.error ??= error instanceof Error ? error.message : String(error);
    log(`  ${spec.id}: FAILED ${result.error}`);
  };
  for (const spec of KERNELS) if (SELECTED && !SELECTED.includes(spec.id)) results.get(spec.id)!.error = "not selected (BENCH_KERNELS)";
  const usable = () => KERNELS.filter((spec) => !results.get(spec.id)!.error);
  /** Runs `body` up to ATTEMPTS times; failures before the last are kept as incidents. */
  const attempt = async <T>(spec: KernelSpec, what: string, body: () => Promise<T>): Promise<T> => {
    for (let i = 1; ; i++) {
      try {
        return await body();
      } catch (error) {
        const message = `${what}, attempt ${i}: ${error instanceof Error ? error.message : String(error)}`.trim();
        if (i >= ATTEMPTS) throw new Error(message);
        results.get(spec.id)!.incidents.push(message);
        log(`  ${spec.id}: ${message.split("\n")[0]} -- retrying`);
      }
    }
  };
  const startOnce = (spec: KernelSpec, what: string): Promise<StartTiming> =>
    attempt(spec, what, async () => {
      const kernel = await startKernel(spec, scratch, cwd);
      await kernel.stop();
      return kernel.timing;
    });

  try {
    // One discarded start each: file caches, IPython's profile directory.
    for (const spec of usable()) {
      try {
        results.get(spec.id)!.warmupStart = await startOnce(spec, "warm-up start");
        log(`  warm-up start ${spec.id}: ${formatMs(results.get(spec.id)!.warmupStart!.firstResultMs)}`);
      } catch (error) {
        fail(spec, error);
      }
    }
    // Rounds alternate the kernels so that drift of the machine hits all of them alike.
    for (let round = 1; round <= STARTS; round++) {
      for (const spec of usable()) {
        try {
          const timing = await startOnce(spec, `start ${round}`);
          results.get(spec.id)!.starts.push(timing);
          log(`  start ${round}/${STARTS} ${spec.id}: ${formatMs(timing.firstResultMs)} (ports ${formatMs(timing.listenMs)}, kernel_info ${formatMs(timing.readyMs)})`);
        } catch (error) {
          fail(spec, error);
        }
      }
    }
    for (const spec of usable()) {
      const result = results.get(spec.id)!;
      result.startMedianMs = medianOf(result.starts, "firstResultMs");
      try {
        result.cells = await attempt(spec, `${CELLS}-cell series`, async () => {
          const kernel = await startKernel(spec, scratch, cwd);
          try {
            const series = await runCells(kernel, log);
            return { ...series, workers: await runWorkers(kernel) };
          } finally {
            await kernel.stop();
          }
        });
        log(`  ${CELLS} cells ${spec.id}: median ${formatMs(result.cells.median)}`);
      } catch (error) {
        fail(spec, error);
      }
    }
  } finally {
    removeDirs();
    process.off("exit", removeDirs);
  }
  return [...results.values()];
}

// ---- the report --------------------------------------------------------------------------

const verdict = (pass: boolean | undefined) => (pass === undefined ? "n/a" : pass ? "PASS" : "MISS");

function report(results: KernelResult[]): SuiteReport {
  const byId = (id: KernelId) => results.find((result) => result.id === id)!;
  const ours = byId("tsray");
  const value = (result: KernelResult, pick: (r: KernelResult) => number | undefined) => (result.error && !result.starts.length ? NaN : pick(result) ?? NaN);
  const growthOk = (cells: CellSeries | undefined) =>
    cells
      ? cells.last20Median <= Math.max(cells.first20Median * TARGETS.growthFactor, cells.first20Median + TARGETS.growthSlackMs)
      : undefined;
  const defined = (x: number) => (Number.isFinite(x) ? x : undefined);

  type Metric = {
    name: string;
    pick: (r: KernelResult) => number | undefined;
    format?: (x: number) => string;
    /** No ours/peer ratio (counts). */
    noRatio?: boolean;
    target?: string;
    pass?: boolean;
  };
  const mb = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} MB` : "n/a");
  const startMedian = defined(ours.startMedianMs);
  const cellMedian = defined(ours.cells?.median ?? NaN);
  const metrics: Metric[] = [
    {
      name: `start to first result, median of ${STARTS}`,
      pick: (r) => r.startMedianMs,
      target: `<= ${formatMs(TARGETS.startMedianMs)}`,
      pass: startMedian === undefined ? undefined : startMedian <= TARGETS.startMedianMs,
    },
    { name: "  start: ports listening", pick: (r) => medianOf(r.starts, "listenMs") },
    { name: "  start: kernel_info answered", pick: (r) => medianOf(r.starts, "readyMs") },
    { name: "  start: CPU used by kernel tree", pick: (r) => medianOf(r.starts, "cpuMs") },
    { name: "  start: RSS of kernel tree", pick: (r) => medianOf(r.starts, "rssMb"), format: mb },
    {
      name: `per-cell round trip, median of ${CELLS}`,
      pick: (r) => r.cells?.median,
      target: `<= ${formatMs(TARGETS.cellMedianMs)}`,
      pass: cellMedian === undefined ? undefined : cellMedian <= TARGETS.cellMedianMs,
    },
    { name: `  per-cell: median of first ${EDGE}`, pick: (r) => r.cells?.first20Median },
    {
      name: `  per-cell: median of last ${EDGE}`,
      pick: (r) => r.cells?.last20Median,
      target: "no growth",
      pass: growthOk(ours.cells),
    },
    { name: "  per-cell: p90", pick: (r) => r.cells?.p90 },
    {
      name: `  cells lost (no reply/idle in ${CELL_TIMEOUT_MS / 1000} s)`,
      pick: (r) => r.cells?.lostCells.length,
      format: (x) => (Number.isFinite(x) ? String(x) : "n/a"),
      noRatio: true,
    },
    { name: "  per-cell: CPU of kernel tree", pick: (r) => r.cells?.cpuMsPerCell },
    { name: `  RSS after ${CELLS} cells`, pick: (r) => r.cells?.after.rssMb, format: mb },
    { name: `  PSS after ${CELLS} cells`, pick: (r) => r.cells?.after.pssMb, format: mb },
    { name: `  RSS after ${CELLS} cells and ${REST_MS / 1000} s idle`, pick: (r) => r.cells?.atRest.rssMb, format: mb },
    { name: `then a cell starts ${WORKERS} worker threads: RSS per worker`, pick: (r) => r.cells?.workers?.rssMbPerWorker, format: mb },
    { name: "  its first task, after the cell began", pick: (r) => r.cells?.workers?.firstTaskMs },
  ];

  const [tslab, ipython] = [byId("tslab"), byId("ipython")];
  const rows = metrics.map((metric) => {
    const format = metric.format ?? formatMs;
    const [o, t, i] = [ours, tslab, ipython].map((r) => value(r, metric.pick));
    return [
      metric.name,
      format(o),
      format(t),
      format(i),
      metric.noRatio ? "" : formatRatio(o, t),
      metric.noRatio ? "" : formatRatio(o, i),
      metric.target ?? "",
      metric.target ? verdict(metric.pass) : "",
    ];
  });

  const notes = [
    "start: spawn of the kernel process -> first result of `1+1` on iopub (tslab prints it as stdout, the others send execute_result);",
    `  the client connects once the ports listen (read from /proc) and sends kernel_info every ${PROBE_INTERVAL_MS} ms until one exchange completes.`,
    "per-cell: execute_request sent -> its execute_reply and idle status received, cells run one after another in one fresh kernel.",
    `growth: PASS if last-${EDGE} median <= max(first-${EDGE} median x ${TARGETS.growthFactor}, first-${EDGE} median + ${TARGETS.growthSlackMs} ms).`,
    "CPU, RSS and PSS are summed over the kernel's process tree (tsray: kernel + executor process); RSS counts the pages they share twice, PSS once.",
    `machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} at the end (other work on the machine skews every column alike).`,
    ...results.flatMap((r) =>
      (r.cells?.lostCells ?? []).map((lost) => `${r.id} lost cell ${lost.cell} (left out of the statistics): ${lost.detail.split("\n")[0].slice(0, 300)}`)
    ),
    ...results.flatMap((r) => r.incidents.map((incident) => `${r.id} incident (retried in a fresh kernel): ${incident.split("\n")[0]}`)),
    ...results.filter((r) => r.error).map((r) => `${r.id} ${r.error?.startsWith("not selected") ? "" : "FAILED: "}${r.error}`),
  ];

  const json = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    loadavgAtEnd: loadavg().map((x) => round(x, 2)),
    settings: { starts: STARTS, cells: CELLS, edge: EDGE, probeIntervalMs: PROBE_INTERVAL_MS },
    targets: TARGETS,
    verdicts: {
      startMedian: verdict(metrics[0].pass),
      cellMedian: verdict(metrics.find((m) => m.name.startsWith("per-cell round trip"))!.pass),
      noGrowth: verdict(growthOk(ours.cells)),
    },
    ratios: {
      startVsTslab: round(ours.startMedianMs / tslab.startMedianMs),
      startVsIpython: round(ours.startMedianMs / ipython.startMedianMs),
      cellVsTslab: round((ours.cells?.median ?? NaN) / (tslab.cells?.median ?? NaN)),
      cellVsIpython: round((ours.cells?.median ?? NaN) / (ipython.cells?.median ?? NaN)),
    },
    kernels: results,
  };
  return { headers: ["metric", "tsray", "tslab", "ipykernel", "tsray/tslab", "tsray/ipy", "target", "verdict"], rows, notes, json };
}

export const kernelSuite: BenchSuite = {
  name: "kernel",
  title: "Kernel start and per-cell round trip: tsray vs tslab vs ipykernel",
  async run(log) {
    return report(await measure(log));
  },
};
