// The kernel's interpreter: owns the executor process, starts it, sends it requests,
// interrupts it, and replaces it when it dies (its restart policy lives here).
// User code runs there, so a blocked or crashed cell never stops the kernel's sockets.
import { ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { ChildMessage, CompleteOutcome, ExecuteOutcome, HostRequest, InspectOutcome } from "./executor/ipc";
import { INTERRUPT_FD } from "./executor/interrupts";
import { EXECUTOR_NODE_FLAGS } from "./compiler/node-flags";
import type { CellRequest, Interpreter, InterpreterEvents } from "./interpreter";

/** How long the cell's thread may take to notice an interrupt before it counts as stuck. */
const STUCK_AFTER_MS = 2000;
/** An executor that dies this many times in a row before it is ready is not started again. */
const MAX_FAILED_STARTS = 3;

type Reply = Extract<ChildMessage, { kind: "reply" }>["result"];
type Pending = { resolve: (result: Reply) => void; request: HostRequest };
type RequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, "id"> : never) : never;

export class ExecutorHost extends EventEmitter<InterpreterEvents> implements Interpreter {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stuckTimer: NodeJS.Timeout | null = null;
  /** Why the executor is being ended, when we end it on purpose. */
  private exitReason: string | null = null;
  /** The executor's start under way or done: cells wait for it, so a cell starts (and can be timed and interrupted) only once the executor runs. */
  private starting: Promise<void> | null = null;
  private ready = false;
  private failedStarts = 0;

  constructor(private readonly cwd: string) {
    super();
  }

  start(): Promise<void> {
    return (this.starting ??= this.startAndNoteReady());
  }

  private startAndNoteReady(): Promise<void> {
    return this.startFresh().then(() => {
      this.ready = this.isRunning();
    });
  }

  /**
   * Starts a fresh executor and waits until it has loaded the preloaded names, or has
   * died trying (then `replaceDead` decides what to do).
   */
  private async startFresh(): Promise<void> {
    // detached: Jupyter signals the kernel's whole process group on interrupt, and the
    // executor must get exactly one interrupt, from us. It ends itself if we vanish.
    const child = spawn(process.execPath, [...EXECUTOR_NODE_FLAGS, join(__dirname, "executor", "main.js")], {
      cwd: this.cwd,
      stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
      detached: true,
      serialization: "advanced",
    });
    this.child = child;
    const interrupts = child.stdio[INTERRUPT_FD] as Duplex;
    // The pipe breaks when the executor dies mid-interrupt; its exit is handled below.
    interrupts.on("error", () => undefined);
    // The executor answers each interrupt on the pipe once it has taken it (a line each).
    interrupts.on("data", () => this.stopStuckTimer());
    child.on("message", (message: ChildMessage) => this.receive(message));
    child.on("exit", (code, signal) => this.exited(child, code, signal));
    await new Promise<void>((resolve) => {
      child.on("message", (message: ChildMessage) => message.kind === "ready" && resolve());
      child.once("exit", () => resolve());
    });
  }

  async execute(cell: CellRequest, started: (cell: number) => void): Promise<ExecuteOutcome> {
    await this.start();
    const id = this.nextId;
    // The executor starts on the cell first; the kernel announces it meanwhile (whatever
    // the executor sends back is read only once `started` returns, so order is kept).
    const outcome = this.request({ kind: "execute", ...cell }) as Promise<ExecuteOutcome>;
    started(id);
    return outcome;
  }

  complete(code: string, cursor: number): Promise<CompleteOutcome> {
    return this.request({ kind: "complete", code, cursor }) as Promise<CompleteOutcome>;
  }

  inspect(code: string, cursor: number, detailLevel: number): Promise<InspectOutcome> {
    return this.request({ kind: "inspect", code, cursor, detailLevel }) as Promise<InspectOutcome>;
  }

  private request(body: RequestBody): Promise<Reply> {
    const id = this.nextId++;
    const request = { ...body, id } as HostRequest;
    return new Promise((resolve) => {
      if (!this.child) return resolve(deadExecutorOutcome(request, "could not be started"));
      this.pending.set(id, { resolve, request });
      this.child.send(request);
    });
  }

  answerInput(id: number, answer: { value?: string; error?: string }): void {
    this.child?.send({ kind: "input_reply", id, ...answer });
  }

  interrupt(): void {
    const child = this.child;
    const cell = this.runningCell();
    if (!child || cell === undefined) return;
    child.kill("SIGINT");
    (child.stdio[INTERRUPT_FD] as Duplex | null)?.write(`${cell}\n`);
    this.stuckTimer ??= setTimeout(() => this.replaceStuck(child), STUCK_AFTER_MS);
  }

  private runningCell(): number | undefined {
    for (const [id, { request }] of this.pending) if (request.kind === "execute") return id;
    return undefined;
  }

  /**
   * The cell's thread never took the interrupt: it runs JavaScript that neither SIGINT
   * nor the pipe can reach (a loop after an `await`). Only a new executor frees the kernel.
   */
  private replaceStuck(child: ChildProcess): void {
    this.stuckTimer = null;
    if (this.child !== child) return;
    this.exitReason = "was stuck in code that an interrupt cannot stop (a loop after an await, say), so it was ended";
    child.kill("SIGKILL");
  }

  private isRunning(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  private receive(message: ChildMessage): void {
    if (message.kind === "reply") {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      pending?.resolve(message.result);
    } else if (message.kind === "output") {
      this.emit("output", message.cell, message.output);
    } else if (message.kind === "input_request") {
      this.emit("input_request", message);
    }
  }

  private stopStuckTimer(): void {
    clearTimeout(this.stuckTimer ?? undefined);
    this.stuckTimer = null;
  }

  /** A dead executor fails what it was doing; the kernel carries on with a new one. */
  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const description = this.exitReason ?? (signal ? `was killed by ${signal}` : `exited with code ${code}`);
    this.exitReason = null;
    this.stopStuckTimer();
    for (const [id, { resolve, request }] of this.pending) {
      this.pending.delete(id);
      resolve(deadExecutorOutcome(request, description));
    }
    if (this.child === child) {
      this.child = null;
      this.replaceDead(description);
    }
  }

  /** A dead executor is replaced, unless it keeps dying before it is even ready. */
  private replaceDead(description: string): void {
    this.failedStarts = this.ready ? 0 : this.failedStarts + 1;
    this.ready = false;
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.emit("gave_up", `the executor process ${description} ${this.failedStarts} times while starting; not trying again`);
      return;
    }
    this.emit("restarting", `the executor process ${description}; starting a new one`);
    this.starting = this.startAndNoteReady();
    void this.starting.then(() => this.emit("restarted"));
  }
}

function deadExecutorOutcome(request: HostRequest, description: string): Reply {
  if (request.kind === "complete") return { matches: [], cursor_start: request.cursor, cursor_end: request.cursor };
  if (request.kind === "inspect") return { found: false, data: {} };
  const evalue = `the process running the cells ${description}; all variables are lost. The kernel restarted it: run your cells again.`;
  const outcome: ExecuteOutcome = { status: "error", ename: "KernelDied", evalue, traceback: [`KernelDied: ${evalue}`] };
  return outcome;
}
