// The kernel process: speaks the Jupyter protocol over ZeroMQ and hands cells to an
// interpreter (interpreter.ts; the executor process in production). Shell requests are
// answered one at a time, in order; so are control requests (interrupt, shutdown,
// kernel_info), but at once, even while a cell runs.
import { randomUUID } from "node:crypto";
import { ConnectionInfo } from "./protocol/connection";
import { KernelSockets, SerialSender } from "./protocol/sockets";
import { Header, Message, Signer, WireError, decode, encode, newHeader } from "./protocol/wire";
import type { CellOutput } from "./executor/ipc";
import type { InputRequest, Interpreter } from "./interpreter";
import { History } from "./history";
import { kernelInfo } from "./kernel-info";
import { completeness } from "./is-complete";
import { RequestQueue } from "./request-queue";

type Channel = "shell" | "control";
type Handler = (request: Message, channel: Channel) => Promise<void> | void;

/** What the kernel remembers of a cell, so that late output still finds it. */
interface CellOrigin {
  header: Header;
  identities: Buffer[];
  allowStdin: boolean;
}

const MAX_REMEMBERED_CELLS = 1000;

export class KernelServer {
  private readonly sockets = new KernelSockets();
  private readonly signer: Signer;
  private readonly session = randomUUID();
  private readonly senders: Record<"shell" | "control" | "stdin" | "iopub", SerialSender>;
  private readonly history = new History();
  private readonly cells = new Map<number, CellOrigin>();
  private readonly queues: Record<Channel, RequestQueue> = {
    shell: new RequestQueue((request) => this.handle(request, "shell")),
    control: new RequestQueue((request) => this.handle(request, "control")),
  };
  private requestsInProgress = 0;
  private executionCount = 0;
  private pendingInput: { id: number } | null = null;
  private stopping = false;

  constructor(private readonly info: ConnectionInfo, private readonly interpreter: Interpreter) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const log = (error: Error) => this.log(`send failed: ${error.message}`);
    this.senders = {
      shell: new SerialSender(this.sockets.shell, log),
      control: new SerialSender(this.sockets.control, log),
      stdin: new SerialSender(this.sockets.stdin, log),
      iopub: new SerialSender(this.sockets.iopub, log),
    };
    this.interpreter.on("output", (cell, output) => this.publishOutput(cell, output));
    this.interpreter.on("input_request", (request) => this.askForInput(request));
    this.interpreter.on("restarting", (why) => {
      this.log(why);
      this.announce("restarting");
    });
    this.interpreter.on("restarted", () => this.announce("idle"));
    this.interpreter.on("gave_up", (why) => this.log(why));
  }

  /** Binds the sockets and waits for the interpreter's start (joining it if already begun). */
  async start(): Promise<void> {
    await this.sockets.bind(this.info);
    void this.sockets.echoHeartbeats().catch(() => undefined);
    void this.receive("control", this.sockets.control);
    void this.receive("shell", this.sockets.shell);
    void this.receiveInputReplies();
    void this.queues.shell.run();
    void this.queues.control.run();
    this.announce("starting");
    await this.interpreter.start();
    this.announce("idle");
  }

  interrupt(): void {
    this.interpreter.interrupt();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.queues.shell.stop();
    this.queues.control.stop();
    await this.interpreter.stop();
    this.sockets.close();
  }

  // ---- receiving ---------------------------------------------------------------------

  private async receive(channel: Channel, socket: AsyncIterable<Buffer[]>): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decodeOrLog(frames, channel);
        if (message) this.queues[channel].push(message);
      }
    } catch (error) {
      if (!this.stopping) this.log(`${channel} channel stopped: ${(error as Error).message}`);
    }
  }

  private decodeOrLog(frames: Buffer[], channel: string): Message | null {
    try {
      return decode(this.signer, frames);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.log(`dropped a message on ${channel}: ${error.message}`);
      return null;
    }
  }

  private async handle(request: Message, channel: Channel): Promise<void> {
    const handler = this.handlers[request.header.msg_type];
    if (!handler) {
      this.log(`ignored a ${request.header.msg_type} on ${channel}: not a request this kernel answers`);
      return;
    }
    this.requestsInProgress++;
    this.publish("status", { execution_state: "busy" }, request.header);
    try {
      await handler(request, channel);
    } catch (error) {
      this.log(`failed to answer ${request.header.msg_type}: ${(error as Error).stack}`);
    } finally {
      this.publish("status", { execution_state: "idle" }, request.header);
      this.requestsInProgress--;
    }
  }

  /**
   * A state no request caused (the interpreter ready, or being replaced) is published only
   * between requests: inside one's busy ... idle it would read as that request's end.
   * The request's own idle tells the same soon after. (A control request's busy ... idle
   * may still fall inside a running cell's: ipykernel answers control requests at once too.)
   */
  private announce(state: "starting" | "idle" | "restarting"): void {
    if (this.requestsInProgress === 0) this.publish("status", { execution_state: state }, {});
  }

  // ---- sending -----------------------------------------------------------------------

  private frames(msgType: string, content: object, parent: Partial<Header>, identities: Buffer[] = [], metadata = {}) {
    return encode(this.signer, {
      identities,
      header: newHeader(msgType, this.session),
      parent_header: parent,
      metadata,
      content: content as Record<string, unknown>,
    });
  }

  private publish(msgType: string, content: object, parent: Partial<Header>): void {
    const topic = [Buffer.from(`kernel.${this.session}.${msgType}`)];
    void this.senders.iopub.send(this.frames(msgType, content, parent, topic));
  }

  private reply(request: Message, channel: Channel, content: object): Promise<void> {
    const msgType = request.header.msg_type.replace(/_request$/, "_reply");
    const metadata = { started: new Date().toISOString() };
    return this.senders[channel].send(this.frames(msgType, content, request.header, request.identities, metadata));
  }

  private log(text: string): void {
    process.stderr.write(`[tsray kernel] ${text}\n`);
  }

  // ---- requests ----------------------------------------------------------------------

  private readonly handlers: Record<string, Handler> = {
    kernel_info_request: (request, channel) => this.reply(request, channel, kernelInfo()),
    execute_request: (request, channel) => this.execute(request, channel),
    complete_request: (request, channel) => this.complete(request, channel),
    inspect_request: (request, channel) => this.inspect(request, channel),
    is_complete_request: (request, channel) => this.reply(request, channel, completeness(String(request.content.code ?? ""))),
    history_request: (request, channel) =>
      this.reply(request, channel, { status: "ok", history: this.history.query(request.content) }),
    comm_info_request: (request, channel) => this.reply(request, channel, { status: "ok", comms: {} }),
    // No comm targets exist: a frontend opening a comm is told it is closed.
    comm_open: (request) => this.publish("comm_close", { comm_id: request.content.comm_id, data: {} }, request.header),
    comm_msg: () => undefined,
    comm_close: () => undefined,
    interrupt_request: (request, channel) => {
      this.interpreter.interrupt();
      return this.reply(request, channel, { status: "ok" });
    },
    shutdown_request: (request, channel) => this.shutdown(request, channel),
  };

  private async execute(request: Message, channel: Channel): Promise<void> {
    const code = String(request.content.code ?? "");
    const silent = Boolean(request.content.silent);
    const storeHistory = !silent && request.content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const executionCount = this.executionCount;
    const started = (cell: number) => {
      this.rememberCell(cell, {
        header: request.header,
        identities: request.identities,
        allowStdin: request.content.allow_stdin !== false,
      });
      if (!silent) this.publish("execute_input", { code, execution_count: executionCount }, request.header);
      if (storeHistory) this.history.record(code);
    };
    const { value, ...outcome } = await this.interpreter.execute({ code, executionCount, silent }, started);
    if (value) this.publish("execute_result", { data: value, metadata: {}, execution_count: executionCount }, request.header);
    if (outcome.status === "error") {
      this.publish("error", { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback }, request.header);
    }
    await this.reply(request, channel, { ...outcome, execution_count: executionCount, user_expressions: {}, payload: [] });
    if (outcome.status === "error" && request.content.stop_on_error !== false) this.abortQueuedCells();
  }

  /** After an error, cells already queued do not run (stop_on_error), as in IPython. */
  private abortQueuedCells(): void {
    const queued = this.queues.shell.takeWaiting((message) => message.header.msg_type === "execute_request");
    for (const message of queued) {
      this.publish("status", { execution_state: "busy" }, message.header);
      void this.reply(message, "shell", { status: "aborted", execution_count: this.executionCount });
      this.publish("status", { execution_state: "idle" }, message.header);
    }
  }

  private rememberCell(cell: number, origin: CellOrigin): void {
    this.cells.set(cell, origin);
    if (this.cells.size > MAX_REMEMBERED_CELLS) this.cells.delete(this.cells.keys().next().value as number);
  }

  private publishOutput(cell: number, output: CellOutput): void {
    const origin = this.cells.get(cell);
    if (origin) this.publish(output.msg_type, output.content, origin.header);
  }

  private async complete(request: Message, channel: Channel): Promise<void> {
    const code = String(request.content.code ?? "");
    const cursor = Number(request.content.cursor_pos ?? code.length);
    const found = await this.interpreter.complete(code, cursor);
    await this.reply(request, channel, { status: "ok", metadata: {}, ...found });
  }

  private async inspect(request: Message, channel: Channel): Promise<void> {
    const code = String(request.content.code ?? "");
    const cursor = Number(request.content.cursor_pos ?? code.length);
    const detailLevel = Number(request.content.detail_level ?? 0);
    const found = await this.interpreter.inspect(code, cursor, detailLevel);
    await this.reply(request, channel, { status: "ok", metadata: {}, ...found });
  }

  /** Like IPython, the kernel ends on shutdown; for a restart, Jupyter starts a new one. */
  private async shutdown(request: Message, channel: Channel): Promise<void> {
    await this.reply(request, channel, { status: "ok", restart: Boolean(request.content.restart) });
    this.publish("status", { execution_state: "idle" }, request.header);
    await this.stop();
    process.exit(0);
  }

  // ---- stdin -------------------------------------------------------------------------

  private askForInput(request: InputRequest): void {
    const origin = this.cells.get(request.cell);
    if (!origin || !origin.allowStdin) {
      this.interpreter.answerInput(request.id, {
        error:
          "input() needs a frontend that accepts typed input, and this one does not (allow_stdin is false). " +
          "Put the value in the code instead.",
      });
      return;
    }
    this.pendingInput = { id: request.id };
    void this.senders.stdin.send(
      this.frames("input_request", { prompt: request.prompt, password: request.password }, origin.header, origin.identities)
    );
  }

  private async receiveInputReplies(): Promise<void> {
    try {
      for await (const frames of this.sockets.stdin) {
        const message = this.decodeOrLog(frames, "stdin");
        if (!message || message.header.msg_type !== "input_reply" || !this.pendingInput) continue;
        this.interpreter.answerInput(this.pendingInput.id, { value: String(message.content.value ?? "") });
        this.pendingInput = null;
      }
    } catch (error) {
      if (!this.stopping) this.log(`stdin channel stopped: ${(error as Error).message}`);
    }
  }
}
