// Runs one submission's plan in a fresh kernel of its own, in a scratch working folder of
// its own, within bounds: a time per cell (interrupted past it), a time for the notebook
// (what is left does not run), memory (see memory-watch.ts) and output (cut off per cell).
// A kernel that does not answer after an interrupt, or whose process ends, is started
// again; the run carries on with the next cell, so one exercise's loop or exit costs only
// that exercise.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { launchKernel, RunningKernel } from "../../client/launch";
import { cellSource } from "../../client/notebook-file";
import { runCell } from "../../client/notebook-runner";
import { CellOutcome, outcomeOf } from "./cell-outcome";
import { FREEZE_PRELOADS, withFreshPreloads } from "./fresh-preloads";
import { watchMemory, MemoryWatch } from "./memory-watch";
import { describePosition, PlannedCell, RunPlan } from "./run-plan";

export interface RunLimits {
  /** Seconds a cell may run before it is interrupted. */
  cellTimeout: number;
  /** Seconds for all the submission's cells. */
  notebookTimeout: number;
  /** Megabytes the processes running the cells may hold together. */
  memoryMb: number;
}

/** Stream text kept per cell: enough for any lesson, bounded for a cell printing gigabytes. */
const MAX_STREAM_CHARS = 1_000_000;
/** How long past its timeout a cell's kernel may take to answer (an interrupt, then a stuck executor replaced) before it is restarted. */
const ANSWER_GRACE_S = 20;

/** One promise per kernel process (not a listener per cell): how it ended. */
const endings = new WeakMap<ChildProcess, Promise<string>>();

function exited(child: ChildProcess): Promise<string> {
  let ending = endings.get(child);
  if (!ending) {
    const how = () => (child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`);
    const gone = child.exitCode !== null || child.signalCode !== null;
    ending = gone ? Promise.resolve(how()) : new Promise((resolve) => child.once("exit", () => resolve(how())));
    endings.set(child, ending);
  }
  return ending;
}

const after = (seconds: number) => new Promise<"late">((resolve) => setTimeout(() => resolve("late"), seconds * 1000).unref());

interface Session {
  kernel: RunningKernel;
  memory: MemoryWatch;
  limits: RunLimits;
}

async function freezePreloads(session: Session): Promise<void> {
  await session.kernel.client.execute(FREEZE_PRELOADS, { silent: true, storeHistory: false, stopOnError: false });
}

/** One cell, its outputs written into it; a kernel that stops answering is started again. */
async function runPlanned(session: Session, planned: PlannedCell, timeout: number): Promise<CellOutcome> {
  const { kernel } = session;
  const source = cellSource(planned.cell);
  const code = planned.check ? withFreshPreloads(source) : source;
  const running = runCell(kernel.client, code, { timeout, allowErrors: true, maxStreamChars: MAX_STREAM_CHARS });
  const settled = await Promise.race([running, after(timeout + ANSWER_GRACE_S), exited(kernel.process)]);
  if (typeof settled === "string") {
    await kernel.restart();
    await freezePreloads(session);
    if (settled === "late") return { kind: "timed-out", executionCount: null, seconds: timeout, restarted: true };
    return { kind: "died", executionCount: null, how: `(the kernel itself) ${settled}` };
  }
  Object.assign(planned.cell, { outputs: settled.outputs, execution_count: settled.executionCount });
  const outcome = outcomeOf({ index: 0, cell: planned.cell, ...settled });
  if (outcome.kind !== "died" && !(outcome.kind === "timed-out" && outcome.restarted)) return outcome;
  await freezePreloads(session); // the executor is a new one
  // Killed for its memory, even if its time ran out meanwhile: the memory is what to say.
  if (!session.memory.tookHit()) return outcome;
  return { kind: "died", executionCount: outcome.executionCount, how: `was killed for holding more than ${session.limits.memoryMb} MB (--memory)` };
}

async function runAll(session: Session, plan: RunPlan): Promise<(CellOutcome | null)[]> {
  const { limits } = session;
  const deadline = performance.now() + limits.notebookTimeout * 1000;
  const outcomes: (CellOutcome | null)[] = [];
  let outOfTime: string | null = null;
  for (const planned of plan.cells) {
    if (planned.cell.cell_type !== "code") {
      outcomes.push(null);
      continue;
    }
    const left = (deadline - performance.now()) / 1000;
    if (outOfTime || left <= 0) {
      outOfTime ??= `the notebook used up its ${limits.notebookTimeout} s (--notebook-timeout)`;
      outcomes.push({ kind: "not-run", because: outOfTime });
      continue;
    }
    const outcome = await runPlanned(session, planned, Math.min(limits.cellTimeout, left));
    outcomes.push(outcome);
    if (outcome.kind === "timed-out" && left <= limits.cellTimeout) {
      outOfTime = `the notebook used up its ${limits.notebookTimeout} s (--notebook-timeout) in ${describePosition(planned)}`;
    }
  }
  return outcomes;
}

/** The outcome of each planned cell (null for markdown); the executed cells are in `plan.cells`. */
export async function runSubmission(plan: RunPlan, limits: RunLimits): Promise<(CellOutcome | null)[]> {
  const scratch = mkdtempSync(join(tmpdir(), "tsray-grade-"));
  const work = join(scratch, "work");
  mkdirSync(work);
  // History and other Jupyter data go to the scratch folder too: kernels graded side by side share nothing.
  const env = { ...process.env, JUPYTER_DATA_DIR: join(scratch, "jupyter") };
  try {
    const kernel = await launchKernel({ cwd: work, env });
    const memory = watchMemory(() => kernel.process.pid, limits.memoryMb);
    try {
      const session = { kernel, memory, limits };
      await freezePreloads(session);
      return await runAll(session, plan);
    } finally {
      memory.stop();
      await kernel.shutdown();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
