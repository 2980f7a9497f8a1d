// The kernel's five ZeroMQ sockets, with one quirk of zeromq.js handled: a socket throws
// "Socket is busy writing" if send() is called before the previous send settled, so each
// socket's sends are chained.
import * as zmq from "zeromq";
import { ConnectionInfo, channelAddress } from "./connection";

type Writable = { send(frames: Buffer[]): Promise<void> };

export class SerialSender {
  private last: Promise<void> = Promise.resolve();
  constructor(private readonly socket: Writable, private readonly onError: (error: Error) => void) {}

  send(frames: Buffer[]): Promise<void> {
    this.last = this.last.then(() => this.socket.send(frames)).catch(this.onError);
    return this.last;
  }
}

export class KernelSockets {
  readonly shell = new zmq.Router();
  readonly control = new zmq.Router();
  readonly stdin = new zmq.Router();
  readonly iopub = new zmq.Publisher();
  readonly heartbeat = new zmq.Reply();

  async bind(info: ConnectionInfo): Promise<void> {
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) socket.linger = 0;
    await Promise.all([
      this.shell.bind(channelAddress(info, "shell")),
      this.control.bind(channelAddress(info, "control")),
      this.stdin.bind(channelAddress(info, "stdin")),
      this.iopub.bind(channelAddress(info, "iopub")),
      this.heartbeat.bind(channelAddress(info, "hb")),
    ]);
  }

  /** Echoes heartbeats; runs in the kernel process, which never runs user code. */
  async echoHeartbeats(): Promise<void> {
    for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
  }

  close(): void {
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) socket.close();
  }
}
