// The dashboard's HTTP server (node:http): the page at `/`, the state as JSON at
// `/api/state`, and a server-sent event stream of it at `/api/events`. Read-only: only GET
// and HEAD, nothing executes. Bound to loopback unless told otherwise (and then answering only
// requests addressed to a loopback name, against DNS rebinding). The stream sends at most
// 10 updates a second, and only when something changed (or a heartbeat every few seconds); a
// client that has not taken the previous update yet is skipped (it gets a later one), and
// one stuck for long is dropped. The server never keeps the process alive.
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { DASHBOARD_PAGE } from "./page";
import type { DashboardState } from "./state";

export const DEFAULT_DASHBOARD_HOST = "127.0.0.1";
export const DEFAULT_DASHBOARD_PORT = 8265;
/** Between two updates of the stream (at most 10 a second). */
export const UPDATE_INTERVAL_MS = 100;
const HEARTBEAT_MS = 2_000;
/** A client with an update still unsent for this long is dropped. */
const STUCK_MS = 30_000;
/** Past this many unsent bytes a client counts as stuck at once. */
const MAX_BUFFERED = 8 * 2 ** 20;
const MAX_CLIENTS = 64;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

interface Client {
  res: ServerResponse;
  /** When it last had nothing buffered. */
  drainedAt: number;
}

export interface DashboardOptions {
  host?: string;
  /** The first port tried; the next free ones after it. */
  port?: number;
  /** Found free already (port.ts): listen there first. */
  probedPort?: number;
  state: () => DashboardState;
}

export class DashboardServer {
  readonly host: string;
  port: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Client>();
  private timer?: NodeJS.Timeout;
  private lastKey = "";
  private lastSent = 0;
  private closed = false;
  /** Resolves once listening (with the final port). */
  readonly listening: Promise<void>;

  constructor(private readonly options: DashboardOptions) {
    this.host = options.host ?? DEFAULT_DASHBOARD_HOST;
    const first = options.port ?? DEFAULT_DASHBOARD_PORT;
    this.port = options.probedPort || first;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (socket) => {
      socket.unref();
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.keepAliveTimeout = 5_000;
    this.listening = this.listen(first);
    this.listening.catch(() => {});
  }

  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  private async listen(first: number): Promise<void> {
    const tryPort = (port: number) =>
      new Promise<boolean>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException) => {
          this.server.off("listening", onListening);
          if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
          else reject(error);
        };
        const onListening = () => {
          this.server.off("error", onError);
          resolve(true);
        };
        this.server.once("error", onError);
        this.server.once("listening", onListening);
        this.server.listen({ host: this.host, port, exclusive: true });
      });
    const candidates = [this.port, ...Array.from({ length: 100 }, (_, i) => first + i).filter((p) => p > this.port), 0];
    for (const port of candidates) {
      if (this.closed) return;
      if (await tryPort(port)) {
        this.server.unref();
        this.port = (this.server.address() as { port: number }).port;
        if (this.closed) this.server.close();
        return;
      }
    }
  }

  private allowedHost(req: IncomingMessage): boolean {
    if (!LOOPBACK.has(this.host)) return true;
    const host = req.headers.host ?? "";
    const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
    return LOOPBACK.has(name);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0];
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("The tsray dashboard is read-only.\n");
      return;
    }
    if (!this.allowedHost(req)) {
      res.writeHead(403, { "Content-Type": "text/plain" }).end("Forbidden host\n");
      return;
    }
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      });
      res.end(req.method === "HEAD" ? undefined : DASHBOARD_PAGE);
    } else if (path === "/api/state") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify(this.options.state()));
    } else if (path === "/api/events") {
      this.subscribe(req, res);
    } else if (path === "/favicon.ico") {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found\n");
    }
  }

  private subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= MAX_CLIENTS) {
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "5" }).end("Too many dashboard clients\n");
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream", Connection: "keep-alive" });
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    const client: Client = { res, drainedAt: Date.now() };
    this.clients.add(client);
    const drop = () => this.clients.delete(client);
    res.on("close", drop);
    res.on("error", drop);
    // The first update at once, whatever changed.
    res.write("retry: 1000\n");
    this.send(client, `data: ${JSON.stringify(this.options.state())}\n\n`);
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => this.tick(), UPDATE_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private tick(): void {
    if (this.clients.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.lastKey = "";
      return;
    }
    const state = this.options.state();
    const { now, ...rest } = state;
    const key = JSON.stringify(rest);
    const at = Date.now();
    if (key === this.lastKey && at - this.lastSent < HEARTBEAT_MS) return;
    this.lastKey = key;
    this.lastSent = at;
    const message = `data: {"now":${now},${key.slice(1)}\n\n`;
    for (const client of this.clients) this.send(client, message);
  }

  private send(client: Client, message: string): void {
    const { res } = client;
    if (res.destroyed) return void this.clients.delete(client);
    const now = Date.now();
    if (res.writableLength > 0) {
      // Still taking the previous update: skip this one; drop it if stuck.
      if (now - client.drainedAt > STUCK_MS || res.writableLength > MAX_BUFFERED) {
        this.clients.delete(client);
        res.destroy();
      }
      return;
    }
    client.drainedAt = now;
    res.write(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const client of this.clients) client.res.destroy();
    this.clients.clear();
    await this.listening.catch(() => {});
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const socket of this.sockets) socket.destroy();
  }
}
