// The executor process: runs cells for the kernel process, one at a time, and streams
// their outputs back. Started (and restarted, and interrupted) by ../executor-host.ts.
import { inspect } from "node:util";
import { CellExecutor } from "./tslab-executor";
import { captureStandardStreams } from "./output-capture";
import { emitOutput, runInCell } from "./cell-context";
import { sendToKernel } from "./to-kernel";
import { asOwnWork, beforeCellCode, installStopRegistry, listenForInterrupts, startCell, stopInterruptedCell } from "./interrupts";
import { rememberCell, scriptFilename } from "./cell-sources";
import { ErrorReport, compileErrorReport, interruptionReport, isInterruption, runtimeErrorReport } from "./error-report";
import { installDisplaySink, installInputSource, resolveInput } from "./frontend-io";
import { completeAt, inspectAt } from "./introspection";
import type { ExecuteOutcome, HostMessage, HostRequest } from "./ipc";
import { mimeBundleOf } from "../../preload/mime";
import { preloadCell } from "../compiler/preload-cell";
import { IdleMemoryRelease } from "./idle-memory";

const FINISH_STARTING_AFTER_MS = 500;

// Interrupts may come while the executor is still loading; they must not kill it.
process.on("SIGINT", () => undefined);
const executor = new CellExecutor(process.cwd(), beforeCellCode);
const memory = new IdleMemoryRelease(asOwnWork);

/**
 * What the executor's start left for later (file watchers, the declaration files with
 * their doc comments and combined, a code cache to write once: about 0.3 s), done once,
 * after the first cell's answer or half a second after the start, whichever comes first,
 * or before an inspection: cells sent back to back ("Run All") wait for it once, at their
 * second, and are all faster from there on. What the start parsed is garbage then, and
 * collected at once (IdleMemoryRelease.releaseNow).
 */
let finishStarting: (() => void) | null = executor.finishStarting;
function finishStartingOnce(): void {
  const finish = finishStarting;
  finishStarting = null;
  if (!finish) return;
  asOwnWork(finish);
  // In a later turn: a WeakRef deref'd now (the combining reads the newest program
  // through one) keeps its target alive until this turn ends.
  setImmediate(() => memory.releaseNow());
}

// The kernel publishes the `error` output from the outcome, so it is not emitted here.
function errorOutcome(report: ErrorReport): ExecuteOutcome {
  return { status: "error", ...report };
}

async function execute(request: Extract<HostRequest, { kind: "execute" }>): Promise<ExecuteOutcome> {
  const label = request.silent ? "Silent cell" : `Cell In[${request.executionCount}]`;
  startCell(request.id);
  const run = await runInCell(request.id, () => executor.execute(request.code, scriptFilename(request.id)));
  rememberCell(request.id, label, request.code, run.javascript);
  if (run.diagnostics.length > 0) return errorOutcome(compileErrorReport(label, request.code, run.diagnostics));
  if (run.thrown) {
    const { error } = run.thrown;
    if (!isInterruption(error)) return errorOutcome(runtimeErrorReport(error));
    stopInterruptedCell(request.id);
    return errorOutcome(interruptionReport(label));
  }
  if (!run.ok) return errorOutcome({ ename: "Error", evalue: `${label} failed`, traceback: [`${label} failed`] });
  const value = run.hasValue && !request.silent ? mimeBundleOf(run.value) : null;
  return value ? { status: "ok", value } : { status: "ok" };
}

async function answer(request: HostRequest): Promise<void> {
  let result;
  try {
    if (request.kind === "execute") result = await execute(request);
    else if (request.kind === "complete") result = completeAt(executor, request.code, request.cursor);
    else {
      finishStartingOnce(); // quick info shows doc comments, which the start went without
      result = inspectAt(executor, request.code, request.cursor, request.detailLevel);
    }
  } catch (error) {
    // A failure of the kernel's own machinery, reported as the cell's error.
    result = { status: "error" as const, ...runtimeErrorReport(error) };
  }
  sendToKernel({ kind: "reply", id: request.id, result });
  // While the kernel waits for the next cell.
  if (request.kind === "execute") {
    setImmediate(() => {
      asOwnWork(() => executor.prepareNextCell());
      finishStartingOnce();
    });
  }
}

function serve(): void {
  let queue = Promise.resolve();
  let waiting = 0;
  process.on("message", (message: HostMessage) => {
    if (message.kind === "input_reply") return resolveInput(message);
    waiting++;
    memory.busy();
    queue = queue.then(async () => {
      await asOwnWork(() => answer(message));
      if (--waiting === 0) memory.idle();
    });
  });
  process.on("disconnect", () => process.exit(0));
  // Errors thrown later by a cell's callbacks are shown in that cell, not fatal.
  process.on("uncaughtException", (error) => emitOutput({ msg_type: "error", content: runtimeErrorReport(error) }));
  process.on("unhandledRejection", (reason) =>
    emitOutput({ msg_type: "stream", content: { name: "stderr", text: `Unhandled promise rejection: ${inspect(reason)}\n` } })
  );
}

async function start(): Promise<void> {
  captureStandardStreams();
  installDisplaySink();
  installInputSource();
  installStopRegistry();
  listenForInterrupts(() => executor.interrupt());
  const preload = await executor.execute(preloadCell(), "preload.js");
  if (!preload.ok) throw new Error(`the preload cell failed: ${JSON.stringify(preload.diagnostics)}`);
  serve();
  sendToKernel({ kind: "ready" });
  setTimeout(finishStartingOnce, FINISH_STARTING_AFTER_MS);
}

start().catch((error) => {
  process.stderr.write = process.stderr.constructor.prototype.write;
  console.error("tsray executor failed to start:", error);
  process.exit(1);
});
