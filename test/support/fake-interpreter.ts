// A test double of the kernel's interpreter (kernel/interpreter.ts): it runs no code, it
// reads each cell as one command, so protocol tests run in milliseconds without tslab.
//   print:TEXT  prints TEXT on stdout and ends ok
//   fail:NAME   ends with an error named NAME
//   block       runs until interrupted, then ends with a KeyboardInterrupt
//   input:TEXT  asks the frontend for a line with the prompt TEXT; its value is the answer
//   anything else ends ok, with the code itself as its value
import { EventEmitter } from "node:events";
import type { CompleteOutcome, ExecuteOutcome, InspectOutcome } from "../../kernel/executor/ipc";
import type { CellRequest, Interpreter, InterpreterEvents } from "../../kernel/interpreter";

export class FakeInterpreter extends EventEmitter<InterpreterEvents> implements Interpreter {
  /** The code of every cell handed over, in order. */
  readonly executed: string[] = [];
  interrupts = 0;
  private nextCell = 1;
  private nextInput = 1;
  private stopBlocked: (() => void) | null = null;
  private readonly inputs = new Map<number, (answer: { value?: string; error?: string }) => void>();
  private blockStarted: (() => void) | null = null;

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Resolves once a `block` cell runs. */
  blocking(): Promise<void> {
    return new Promise((resolve) => (this.blockStarted = resolve));
  }

  isBlocked(): boolean {
    return this.stopBlocked !== null;
  }

  async execute(request: CellRequest, started: (cell: number) => void): Promise<ExecuteOutcome> {
    const cell = this.nextCell++;
    this.executed.push(request.code);
    started(cell);
    const [command, argument = ""] = request.code.split(/:(.*)/s);
    if (command === "print") this.emit("output", cell, { msg_type: "stream", content: { name: "stdout", text: argument } });
    if (command === "fail") return failure(argument, "the cell asked to fail");
    if (command === "block") return this.block();
    if (command === "input") return this.askForInput(cell, argument);
    return { status: "ok", value: { "text/plain": request.code } };
  }

  private async block(): Promise<ExecuteOutcome> {
    await new Promise<void>((resolve) => {
      this.stopBlocked = resolve;
      this.blockStarted?.();
    });
    this.stopBlocked = null;
    return failure("KeyboardInterrupt", "interrupted");
  }

  private async askForInput(cell: number, prompt: string): Promise<ExecuteOutcome> {
    const id = this.nextInput++;
    const answer = new Promise<{ value?: string; error?: string }>((resolve) => this.inputs.set(id, resolve));
    this.emit("input_request", { id, cell, prompt, password: false });
    const { value, error } = await answer;
    if (error !== undefined) return failure("InputError", error);
    return { status: "ok", value: { "text/plain": String(value) } };
  }

  complete(code: string, cursor: number): Promise<CompleteOutcome> {
    return Promise.resolve({ matches: [`${code}!`], cursor_start: 0, cursor_end: cursor });
  }

  inspect(code: string): Promise<InspectOutcome> {
    return Promise.resolve({ found: true, data: { "text/plain": `about ${code}` } });
  }

  interrupt(): void {
    this.interrupts++;
    this.stopBlocked?.();
  }

  answerInput(id: number, answer: { value?: string; error?: string }): void {
    this.inputs.get(id)?.(answer);
    this.inputs.delete(id);
  }

  stop(): Promise<void> {
    this.stopBlocked?.();
    return Promise.resolve();
  }
}

function failure(ename: string, evalue: string): ExecuteOutcome {
  return { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}
