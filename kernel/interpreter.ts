// The seam between the kernel's protocol side (server.ts: ZeroMQ, ordering, busy/idle)
// and what runs the cells. The executor host implements it with a process running tslab;
// a test double implements it in a few lines, so the protocol can be tested without one.
import type { EventEmitter } from "node:events";
import type { CellOutput, ChildMessage, CompleteOutcome, ExecuteOutcome, InspectOutcome } from "./executor/ipc";

export interface CellRequest {
  code: string;
  executionCount: number;
  silent: boolean;
}

/** The interpreter asks the frontend for a line of input on behalf of a running cell. */
export type InputRequest = Omit<Extract<ChildMessage, { kind: "input_request" }>, "kind">;

export interface InterpreterEvents {
  /** Output of a cell (named by the number `execute` gave it), even after the cell ended. */
  output: [cell: number, output: CellOutput];
  input_request: [request: InputRequest];
  /** The interpreter died and a new one is starting; `why` says what happened, for the log. */
  restarting: [why: string];
  /** The new interpreter begun after `restarting` is ready (or has died too). */
  restarted: [];
  /** The interpreter died and no new one will start; `why` says what happened, for the log. */
  gave_up: [why: string];
}

export interface Interpreter extends EventEmitter<InterpreterEvents> {
  /** Starts the interpreter, or joins the start under way; resolves once it can take cells. */
  start(): Promise<void>;
  /**
   * Runs a cell once the interpreter is ready. `started` is called as soon as the cell is
   * handed over, with the number its outputs will carry, before any of them is emitted.
   */
  execute(request: CellRequest, started: (cell: number) => void): Promise<ExecuteOutcome>;
  complete(code: string, cursor: number): Promise<CompleteOutcome>;
  inspect(code: string, cursor: number, detailLevel: number): Promise<InspectOutcome>;
  /** Interrupts the running cell, if any (with no cell running it does nothing). */
  interrupt(): void;
  answerInput(id: number, answer: { value?: string; error?: string }): void;
  stop(): Promise<void>;
}
