// The way jobs reach a node, against a real redis-server on a free loopback port: the
// driver's NodeChannels adding batches to a node's stream, and the node's JobInbox reading
// them through the stream's consumer group. What the rest of the cluster relies on: the
// jobs placed in one turn go as one batch, in order; a batch's entry is gone once it has
// run; a batch withdrawn before the node took it never runs; a stream deleted under a
// reading node (a driver took the node for dead) is read again; stop ends a blocked read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Redis } from "ioredis";
import { freePorts } from "../client/free-ports";
import { RedisServer, startRedisServer } from "../runtime/cluster/launch/redis-server";
import { NodeChannels } from "../runtime/cluster/driver/node-channels";
import { JobInbox } from "../runtime/cluster/node/job-inbox";
import { keys } from "../runtime/cluster/keys";
import type { JobPayload } from "../runtime/cluster/wire";

const NODE = "n0de";

/** A stand-in job: the inbox hands payloads over as they came, whatever they hold. */
const job = (jobId: string) => ({ kind: "kill-actor", jobId, driverId: "d", actorId: "a", returnIds: [] }) as unknown as JobPayload;

async function until(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("cluster: a node's stream of jobs", function () {
  this.timeout(30_000);
  let dir: string;
  let server: RedisServer;
  let clients: Redis[] = [];
  let inboxes: JobInbox[] = [];

  const client = () => {
    const redis = new Redis({ host: "127.0.0.1", port: server.port, password: server.password, maxRetriesPerRequest: null });
    clients.push(redis);
    return redis;
  };
  /** An inbox recording the batches it runs, by their jobs' ids. */
  async function openInbox(runs: string[][]): Promise<JobInbox> {
    const inbox = await JobInbox.open(client(), client(), NODE, async (payloads) => void runs.push(payloads.map((payload) => payload.jobId)));
    inboxes.push(inbox);
    return inbox;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tsray-job-streams-"));
    server = await startRedisServer((await freePorts(1))[0], "127.0.0.1", join(dir, "redis.log"));
  });
  afterEach(async () => {
    await Promise.all(inboxes.map((inbox) => inbox.stop()));
    await client().flushall();
    clients.forEach((redis) => redis.disconnect());
    inboxes = [];
    clients = [];
  });
  after(async () => {
    server?.process.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the jobs placed in one turn as one batch, in order, and deletes each entry once run", async () => {
    const redis = client();
    const channels = new NodeChannels(redis);
    channels.open(NODE);
    const runs: string[][] = [];
    await openInbox(runs);
    const first = await Promise.all(["a", "b", "c"].map((id) => channels.send(NODE, job(id))));
    expect(new Set(first).size, "one entry for the three").to.equal(1);
    await until(() => runs.length === 1);
    await channels.send(NODE, job("d"));
    await until(() => runs.length === 2);
    expect(runs).to.deep.equal([["a", "b", "c"], ["d"]]);
    await until(async () => (await redis.xlen(keys.nodeJobs(NODE))) === 0);
    const [pending] = (await redis.xpending(keys.nodeJobs(NODE), "node")) as [number];
    expect(pending, "entries taken and not acknowledged").to.equal(0);
  });

  it("never runs a batch withdrawn before the node took it; one added before the node read at all runs", async () => {
    const channels = new NodeChannels(client());
    channels.open(NODE);
    const withdrawn = await channels.send(NODE, job("withdrawn"));
    await channels.send(NODE, job("kept"));
    await channels.withdraw(NODE, [withdrawn]);
    const runs: string[][] = [];
    await openInbox(runs);
    await channels.send(NODE, job("later"));
    await until(() => runs.length === 2);
    expect(runs).to.deep.equal([["kept"], ["later"]]);
  });

  it("reads on when a driver deletes its stream (the node taken for dead), and stop ends a blocked read at once", async () => {
    const redis = client();
    const channels = new NodeChannels(redis);
    channels.open(NODE);
    const runs: string[][] = [];
    const inbox = await openInbox(runs);
    await channels.close(NODE, true);
    expect(await redis.exists(keys.nodeJobs(NODE))).to.equal(0);
    channels.open(NODE);
    await channels.send(NODE, job("after"));
    await until(() => runs.length === 1);
    expect(runs).to.deep.equal([["after"]]);

    const started = Date.now();
    await inbox.stop();
    inboxes = inboxes.filter((open) => open !== inbox);
    expect(Date.now() - started, "ms to stop a read blocking for 5 s").to.be.below(1000);
  });
});
