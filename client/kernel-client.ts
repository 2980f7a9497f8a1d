// Our own Jupyter client over ZeroMQ: used by `tsray run`/`grade`, the tests and the
// benchmarks. It sends requests and gathers each request's iopub messages until the
// kernel reports idle for it.
import * as zmq from "zeromq";
import { randomUUID } from "node:crypto";
import { ConnectionInfo, channelAddress } from "../kernel/protocol/connection";
import { SerialSender } from "../kernel/protocol/sockets";
import { Message, Signer, decode, encode, newHeader } from "../kernel/protocol/wire";

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

/** Enough for a test to find a message; bounded, so long notebook runs do not grow. */
const IOPUB_LOG_SIZE = 2000;

export type RequestChannel = "shell" | "control";

export interface Exchange {
  reply: Message;
  /** iopub messages whose parent is the request, up to its idle status. */
  messages: Message[];
}

export interface ExecuteOptions {
  silent?: boolean;
  storeHistory?: boolean;
  allowStdin?: boolean;
  stopOnError?: boolean;
  /** Whether the Exchange keeps the iopub messages (false for a cell that may print without bound). */
  keepMessages?: boolean;
  onMessage?: (message: Message) => void;
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
}

interface Waiter {
  reply?: Message;
  idle: boolean;
  messages: Message[];
  keepMessages: boolean;
  onMessage?: (message: Message) => void;
  settle: () => void;
}

export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly stdin = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly senders: Record<RequestChannel | "stdin", SerialSender>;
  private readonly waiters = new Map<string, Waiter>();
  private answerInput: ExecuteOptions["onInput"] | null = null;
  /** The latest iopub messages, for tests that look at what came unasked. */
  readonly iopubLog: Message[] = [];
  private closed = false;
  private stdinConnected: Promise<void> = Promise.resolve();

  constructor(readonly info: ConnectionInfo) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const fail = (error: Error) => {
      if (!this.closed) throw error;
    };
    this.senders = {
      shell: new SerialSender(this.shell, fail),
      control: new SerialSender(this.control, fail),
      stdin: new SerialSender(this.stdin, fail),
    };
  }

  connect(): void {
    // A kernel's stdin socket (a ROUTER) drops what it sends to a peer it has not met yet: an
    // input_request of the first cell could be lost. waitForReady waits for this handshake too.
    this.stdinConnected = new Promise((resolve) => this.stdin.events.on("handshake", () => resolve()));
    const identity = Buffer.from(this.session);
    for (const socket of [this.shell, this.control, this.stdin]) {
      socket.routingId = identity.toString();
      socket.linger = 0;
    }
    this.iopub.linger = 0;
    this.shell.connect(channelAddress(this.info, "shell"));
    this.control.connect(channelAddress(this.info, "control"));
    this.stdin.connect(channelAddress(this.info, "stdin"));
    this.iopub.connect(channelAddress(this.info, "iopub"));
    this.iopub.subscribe();
    void this.listen(this.shell, (m) => this.onReply(m));
    void this.listen(this.control, (m) => this.onReply(m));
    void this.listen(this.iopub, (m) => this.onIopub(m));
    void this.listen(this.stdin, (m) => this.onInputRequest(m));
  }

  /** Sends raw frames on a channel: for tests of malformed messages. */
  sendRaw(channel: RequestChannel, frames: Buffer[]): Promise<void> {
    return this.senders[channel].send(frames);
  }

  /** Sends a request and resolves when both its reply and its idle status have arrived. */
  request(channel: RequestChannel, msgType: string, content: object, onMessage?: (m: Message) => void, keepMessages = true): Promise<Exchange> {
    const header = newHeader(msgType, this.session, "tsray-client");
    return new Promise((resolve) => {
      const waiter: Waiter = {
        idle: false,
        messages: [],
        keepMessages,
        onMessage,
        settle: () => {
          if (!waiter.reply || !waiter.idle) return;
          this.waiters.delete(header.msg_id);
          resolve({ reply: waiter.reply, messages: waiter.messages });
        },
      };
      this.waiters.set(header.msg_id, waiter);
      void this.senders[channel].send(
        encode(this.signer, { identities: [], header, parent_header: {}, metadata: {}, content: content as Record<string, unknown> })
      );
    });
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<Exchange> {
    const content = {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: options.allowStdin ?? Boolean(options.onInput),
      stop_on_error: options.stopOnError ?? true,
    };
    const keep = options.keepMessages ?? true;
    if (!options.onInput) return this.request("shell", "execute_request", content, options.onMessage, keep);
    this.answerInput = options.onInput;
    return this.request("shell", "execute_request", content, options.onMessage, keep).finally(() => (this.answerInput = null));
  }

  /**
   * Waits until the kernel answers kernel_info and its iopub messages reach us. A
   * subscriber misses what is published before it is connected, so kernel_info is
   * repeated until one of them comes back with its idle status.
   */
  async waitForReady(timeoutMs = 30_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const attempt = this.request("shell", "kernel_info_request", {});
      const settled = await Promise.race([attempt, sleep(Math.min(200, Math.max(0, deadline - Date.now())))]);
      if (settled) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.stdinConnected, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
        clearTimeout(timer); // a pending one would keep a finished program alive
        return settled.reply;
      }
    }
    throw new Error(`the kernel did not answer kernel_info within ${timeoutMs / 1000} s`);
  }

  close(): void {
    this.closed = true;
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
  }

  private async listen(socket: AsyncIterable<Buffer[]>, onMessage: (message: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) onMessage(decode(this.signer, frames));
    } catch (error) {
      if (!this.closed) throw error;
    }
  }

  private onReply(message: Message): void {
    const waiter = this.waiters.get(String(message.parent_header.msg_id));
    if (!waiter) return;
    waiter.reply = message;
    waiter.settle();
  }

  private onIopub(message: Message): void {
    this.iopubLog.push(message);
    if (this.iopubLog.length > IOPUB_LOG_SIZE) this.iopubLog.splice(0, this.iopubLog.length - IOPUB_LOG_SIZE);
    const waiter = this.waiters.get(String(message.parent_header.msg_id));
    if (!waiter) return;
    if (message.header.msg_type === "status") {
      if (message.content.execution_state === "idle") {
        waiter.idle = true;
        waiter.settle();
      }
      return;
    }
    if (waiter.keepMessages) waiter.messages.push(message);
    waiter.onMessage?.(message);
  }

  private async onInputRequest(message: Message): Promise<void> {
    const answer = this.answerInput;
    const value = answer ? await answer(String(message.content.prompt ?? ""), Boolean(message.content.password)) : "";
    const header = newHeader("input_reply", this.session, "tsray-client");
    await this.senders.stdin.send(
      encode(this.signer, { identities: [], header, parent_header: message.header, metadata: {}, content: { value } })
    );
  }
}
