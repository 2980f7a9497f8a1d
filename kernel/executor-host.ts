// Owns the executor process: starts it, sends it requests, interrupts and restarts it.
// User code runs there, so a blocked or crashed cell never stops the kernel's sockets.
import { ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { CellOutput, ChildMessage, ExecuteOutcome, HostRequest } from "./executor/ipc";
import { INTERRUPT_FD } from "./executor/interrupts";

type Reply = Extract<ChildMessage, { kind: "reply" }>["result"];
type Pending = { resolve: (result: Reply) => void; request: HostRequest };
type RequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, "id"> : never) : never;

export interface ExecutorEvents {
  output: [cell: number, output: CellOutput];
  input_request: [request: Extract<ChildMessage, { kind: "input_request" }>];
  exit: [description: string];
}

export class ExecutorHost extends EventEmitter<ExecutorEvents> {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly cwd: string) {
    super();
  }

  /**
   * Starts a fresh executor and waits until it has loaded the preloaded names, or has
   * died trying (then the "exit" event tells the kernel, which decides what to do).
   */
  start(): Promise<void> {
    // detached: Jupyter signals the kernel's whole process group on interrupt, and the
    // executor must get exactly one interrupt, from us. It ends itself if we vanish.
    const child = spawn(process.execPath, [join(__dirname, "executor", "main.js")], {
      cwd: this.cwd,
      stdio: ["ignore", "inherit", "inherit", "ipc", "pipe"],
      detached: true,
      serialization: "advanced",
    });
    this.child = child;
    // The pipe breaks when the executor dies mid-interrupt; its exit is handled below.
    (child.stdio[INTERRUPT_FD] as Writable).on("error", () => undefined);
    child.on("message", (message: ChildMessage) => this.receive(message));
    child.on("exit", (code, signal) => this.exited(child, code, signal));
    return new Promise((resolve) => {
      const onReady = (message: ChildMessage) => {
        if (message.kind === "ready") resolve();
      };
      child.on("message", onReady);
      child.once("exit", () => resolve());
    });
  }

  request(body: RequestBody): Promise<Reply> {
    const id = this.nextId++;
    const request = { ...body, id } as HostRequest;
    return new Promise((resolve) => {
      if (!this.child) return resolve(deadExecutorOutcome(request, "could not be started"));
      this.pending.set(id, { resolve, request });
      this.child.send(request);
    });
  }

  /** The id the next request will get: outputs of a cell are keyed by it. */
  peekNextId(): number {
    return this.nextId;
  }

  answerInput(id: number, answer: { value?: string; error?: string }): void {
    this.child?.send({ kind: "input_reply", id, ...answer });
  }

  interrupt(): void {
    if (!this.child) return;
    this.child.kill("SIGINT");
    (this.child.stdio[INTERRUPT_FD] as Writable | null)?.write("!");
  }

  isRunning(): boolean {
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

  /** A dead executor fails what it was doing; the kernel carries on with a new one. */
  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const description = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    for (const [id, { resolve, request }] of this.pending) {
      this.pending.delete(id);
      resolve(deadExecutorOutcome(request, description));
    }
    if (this.child === child) {
      this.child = null;
      this.emit("exit", description);
    }
  }
}

function deadExecutorOutcome(request: HostRequest, description: string): Reply {
  if (request.kind === "complete") return { matches: [], cursor_start: request.cursor, cursor_end: request.cursor };
  if (request.kind === "inspect") return { found: false, data: {} };
  const evalue = `the process running the cells ${description}; all variables are lost. The kernel restarted it: run your cells again.`;
  const outcome: ExecuteOutcome = { status: "error", ename: "KernelDied", evalue, traceback: [`KernelDied: ${evalue}`] };
  return outcome;
}
