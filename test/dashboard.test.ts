// The dashboard (runtime/dashboard): served by init on loopback from port 8265 (the next free
// one when taken), the page, the state as JSON, the server-sent event stream, read-only, and
// gone after shutdown.
import { expect } from "chai";
import { request } from "node:http";
import { createServer, Server, Socket, connect } from "node:net";
import * as ray from "../runtime";
import { time } from "../preload/time";

const sleepy = (s: number) => {
  time.sleep(s);
  return s;
};

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => resolve(server));
  });
}

/** A free port with the one after it free too (for the fallback test). */
async function freePortPair(): Promise<number> {
  for (let port = 20000 + Math.floor(Math.random() * 20000); ; port += 2) {
    try {
      const a = await listenOn(port);
      const b = await listenOn(port + 1);
      await Promise.all([a, b].map((s) => new Promise((r) => s.close(r))));
      return port;
    } catch {
      // taken: try further on
    }
  }
}

function quietly<T>(body: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return body();
  } finally {
    console.log = log;
  }
}

/** Reads server-sent events from the stream until `until` says so; returns them parsed. */
async function readEvents(url: string, until: (events: any[]) => boolean, timeoutMs = 20_000): Promise<any[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: any[] = [];
  try {
    const response = await fetch(`${url}/api/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).to.equal("text/event-stream");
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").find((line) => line.startsWith("data: "));
        if (data) events.push({ ...JSON.parse(data.slice(6)), receivedAt: Date.now() });
      }
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe("dashboard", function () {
  this.timeout(60_000);
  afterEach(() => ray.shutdown());

  it("is served by init on loopback from 8265, prints its URL, and the page and state answer", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    let context: ray.RayContext;
    try {
      context = ray.init({ numCpus: 2 });
    } finally {
      console.log = log;
    }
    const url = ray.getWebuiUrl();
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(url).port);
    expect(port).to.be.within(8265, 8364);
    expect(context.webuiUrl).to.equal(url);
    expect(lines.join("\n")).to.include(`View the dashboard at ${url}`);

    const page = await fetch(`${url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.include("tsray dashboard").and.to.include("EventSource");

    const state = await (await fetch(`${url}/api/state`)).json();
    expect(state.workers).to.have.length(2);
    expect(state.workers.map((w: { state: string }) => w.state)).to.satisfy((s: string[]) => s.every((x) => ["idle", "starting"].includes(x)));
    expect(state.node.resources.CPU).to.equal(2);
    expect(state.counts).to.deep.equal({ queued: 0, running: 0, finished: 0 });
  });

  it("streams the state as server-sent events: busy workers, then idle, the counts and the timeline", async function () {
    quietly(() => ray.init({ numCpus: 2 }));
    const url = ray.getWebuiUrl();
    const f = ray.remote(sleepy);
    const refs = [0.6, 0.6, 0.3, 0.3].map((s) => f.remote(s));
    const done = ray.get(refs);
    const events = await readEvents(url, (got) => {
      const last = got[got.length - 1];
      return last?.counts.finished === 4 && last.workers.every((w: { state: string }) => w.state === "idle");
    });
    await done;
    const busy = events.find((e) => e.workers.filter((w: { state: string }) => w.state === "running").length === 2);
    expect(busy, "an update with both workers running").to.exist;
    const running = busy.workers.find((w: { state: string }) => w.state === "running");
    expect(running.task).to.equal("sleepy");
    expect(running.since).to.be.a("number").and.at.most(busy.now);
    expect(busy.counts.queued + busy.counts.running + busy.counts.finished).to.equal(4);
    const last = events[events.length - 1];
    expect(last.counts).to.deep.equal({ queued: 0, running: 0, finished: 4 });
    expect(last.timeline.events).to.have.length(4);
    expect(last.timeline.events[0][1]).to.equal("sleepy");
    // At most ~10 updates a second.
    const span = (last.receivedAt - events[0].receivedAt) / 1000;
    expect(events.length).to.be.at.most(Math.ceil(span * 10) + 3);
  });

  it("takes the next free port when the one asked for is taken, and stops on shutdown", async () => {
    const port = await freePortPair();
    const blocker = await listenOn(port);
    try {
      quietly(() => ray.init({ numCpus: 1, dashboardPort: port }));
      const url = ray.getWebuiUrl();
      expect(url).to.equal(`http://127.0.0.1:${port + 1}`);
      expect((await fetch(`${url}/api/state`)).status).to.equal(200);
      // An open stream does not hold shutdown up.
      const stream = fetch(`${url}/api/events`).then((r) => r.body?.getReader().read());
      await stream;
      await ray.shutdown();
      expect(ray.getWebuiUrl()).to.equal("");
      let error: unknown;
      await fetch(`${url}/api/state`).catch((e) => (error = e));
      expect(error, "the dashboard no longer answers").to.exist;
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it("is read-only, answers only loopback host names, and not at all with dashboard: false", async () => {
    quietly(() => ray.init({ numCpus: 1 }));
    const url = new URL(ray.getWebuiUrl());
    const ask = (method: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: url.port, path: "/api/state", method, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await ask("POST", url.host)).to.equal(405);
    expect(await ask("GET", "evil.example:80")).to.equal(403);
    expect(await ask("GET", `localhost:${url.port}`)).to.equal(200);
    await ray.shutdown();
    expect(() => quietly(() => ray.init({ numCpus: 1, dashboardPort: 70000 }))).to.throw(RangeError, /dashboardPort/);
    expect(ray.isInitialized()).to.equal(false);
    quietly(() => ray.init({ numCpus: 1, dashboard: false }));
    expect(ray.getWebuiUrl()).to.equal("");
  });

  it("survives a client that stops reading", async () => {
    quietly(() => ray.init({ numCpus: 1 }));
    const url = new URL(ray.getWebuiUrl());
    const slow: Socket = connect({ host: "127.0.0.1", port: Number(url.port) });
    await new Promise((r) => slow.once("connect", r));
    slow.write(`GET /api/events HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    slow.pause();
    const f = ray.remote((i: number) => "x".repeat(200) + i);
    for (let round = 0; round < 5; round++) await ray.get(Array.from({ length: 200 }, (_, i) => f.remote(i)));
    const state = await (await fetch(`${url.origin}/api/state`)).json();
    expect(state.counts.finished).to.equal(1000);
    slow.destroy();
  });
});
