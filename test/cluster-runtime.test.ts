// The cluster backend beyond the backend contract, on private clusters of node processes:
// lesson 02's schedule over two nodes, the dashboard, a node killed mid-batch (retries
// elsewhere, the errors that name the node), a node frozen past its heartbeat (it joins again
// as a new node), two drivers at once, what Redis keeps (objects freed by reference
// counting and at shutdown, swept after a driver killed), the clear errors of a wrong
// password, an unreachable Redis and an object over the size limit, and `address: "auto"`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { formatAddress } from "../runtime/cluster/address";
import { checkedClient } from "../runtime/cluster/connect";
import { writeSessionFile } from "../runtime/cluster/session-file";
import { MAX_OBJECT_BYTES } from "../runtime/cluster/values";
import { LocalCluster, startLocalCluster } from "../runtime/cluster/launch/local-cluster";
import { rejectionOf } from "./support/outcomes";
import { garbageCollector } from "./support/gc";
import { echoTag } from "./fixtures/cluster-second-driver";

const { RayError, RayActorError, WorkerCrashedError } = ray.exceptions;

// Exported: tasks get them from this module on the nodes.
export const sleepUnits = ray.remote(function sleepUnits(units: number, unit: number): number {
  time.sleep(units * unit);
  return units;
});
/** Which node agent ran it (a node's worker threads share its process). */
export const pidAfter = ray.remote(function pidAfter(seconds: number): number {
  time.sleep(seconds);
  return process.pid;
});
export class Keeper {
  ping(): string {
    return "pong";
  }
}
export const KeeperActor = ray.remote(Keeper);
export const identity = ray.remote((x: number) => x);
/** Loads a module on the node that runs it (one missing there fails the task). */
export const loadOnNode = ray.remote((specifier: string) => typeof require(specifier));
export const bigResult = ray.remote(() => new Uint8Array(MAX_OBJECT_BYTES + 1));

describe("cluster backend: schedules, faults and errors", function () {
  this.timeout(60_000);
  let cluster: LocalCluster | undefined;

  afterEach(async () => {
    await ray.shutdown();
    await cluster?.shutdown();
    cluster = undefined;
  });

  it("lesson 02's schedule with W = 4 over two nodes of 2 CPUs: 2W tasks of 0..2W-1 units end in 3W-2 units, within 3%", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }, { numCpus: 2 }]);
    ray.init({ address: cluster.url, dashboard: false });
    const W = 4;
    const unit = 0.5;
    const start = performance.now();
    const refs = Array.from({ length: 2 * W }, (_, i) => sleepUnits.remote(i, unit));
    expect(await ray.get(refs)).to.deep.equal(Array.from({ length: 2 * W }, (_, i) => i));
    const units = (performance.now() - start) / 1000 / unit;
    expect(units, `the batch took ${units.toFixed(3)} units`).to.be.within((3 * W - 2) * 0.97, (3 * W - 2) * 1.03);
    const nodesUsed = new Set(ray.timeline().filter((event) => event.name === "sleepUnits").map((event) => /node (\S+)\)/.exec(event.tid)?.[1]));
    expect(nodesUsed.size, "tasks ran on both nodes").to.equal(2);
  });

  it("the dashboard shows every node and its workers, each worker's row naming its node", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }, { numCpus: 2 }]);
    const context = ray.init({ address: cluster.url, dashboardPort: 0 });
    await ray.get([sleepUnits.remote(0, 0), sleepUnits.remote(0, 0)]);
    const labels = cluster.nodes.map((node) => node.nodeId.slice(0, 6));
    let state: { nodes: { id: string }[]; workers: { row: string }[] } | undefined;
    for (let tries = 0; tries < 50 && (state?.workers.length ?? 0) < 4; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the nodes' views come with their heartbeats
      state = await (await fetch(`${context.webuiUrl}/api/state`)).json();
    }
    expect(state!.nodes.map((node) => node.id).sort()).to.deep.equal(cluster.nodes.map((node) => node.nodeId).sort());
    const rows = state!.workers.map((worker) => worker.row);
    expect(rows).to.have.length(4);
    for (const label of labels) expect(rows.filter((row) => row.includes(label)), `rows of node ${label}`).to.have.length(2);
  });

  it("kill -9 of a node mid-batch: its tasks rerun on the other; maxRetries 0 fails with WorkerCrashedError naming it; its actor fails with RayActorError", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }, { numCpus: 2, resources: { onVictim: 2 } }]);
    const [survivor, victim] = cluster.nodes;
    ray.init({ address: cluster.url, dashboard: false });
    const actor = KeeperActor.options({ resources: { onVictim: 1 } }).remote();
    expect(await ray.get(actor.ping.remote())).to.equal("pong");
    const doomed = pidAfter.options({ resources: { onVictim: 1 }, maxRetries: 0 }).remote(5);
    const batch = Array.from({ length: 3 }, () => pidAfter.remote(1.5));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cluster.killNode(victim);
    expect(await ray.get(batch, { timeout: 20 }), "every task ended on the survivor").to.deep.equal([survivor.pid, survivor.pid, survivor.pid]);
    const crashed = await rejectionOf(ray.get(doomed, { timeout: 20 }));
    expect(crashed).to.be.instanceOf(WorkerCrashedError);
    expect(crashed.message).to.contain(victim.nodeId.slice(0, 12));
    const actorError = await rejectionOf(ray.get(actor.ping.remote(), { timeout: 20 }));
    expect(actorError).to.be.instanceOf(RayActorError);
    expect(actorError.message).to.contain(victim.nodeId.slice(0, 12));
    const dead = ray.nodes().find((node) => node.NodeID === victim.nodeId);
    expect(dead?.Alive, "the killed node is listed as dead").to.equal(false);
    expect(ray.clusterResources().CPU, "only the survivor's CPUs count").to.equal(2);
  });

  it("a node frozen past its heartbeat's life (SIGSTOP): its tasks rerun on the other; resumed, it joins again as a new node", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }, { numCpus: 2, resources: { onVictim: 2 } }]);
    const [survivor, victim] = cluster.nodes;
    ray.init({ address: cluster.url, dashboard: false });
    const batch = Array.from({ length: 4 }, () => pidAfter.remote(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(victim.pid, "SIGSTOP");
    try {
      expect(await ray.get(batch, { timeout: 20 }), "every task ended on the survivor").to.deep.equal(Array(4).fill(survivor.pid));
      expect(ray.nodes().find((node) => node.NodeID === victim.nodeId)?.Alive, "the frozen node is counted dead").to.equal(false);
    } finally {
      process.kill(victim.pid, "SIGCONT");
    }
    // The same process, as a node of another id: the old one stays listed dead.
    const deadline = Date.now() + 15_000;
    const rejoined = () => ray.nodes().find((node) => node.Alive && node.NodeID !== survivor.nodeId);
    while (!rejoined() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const again = rejoined();
    expect(again, "the resumed node joined again").to.not.equal(undefined);
    expect(again!.NodeID).to.not.equal(victim.nodeId);
    expect(ray.nodes().find((node) => node.NodeID === victim.nodeId)?.Alive, "its old self stays dead").to.equal(false);
    expect(await ray.get(pidAfter.options({ resources: { onVictim: 1 } }).remote(0), { timeout: 20 }), "it runs tasks again").to.equal(victim.pid);
    expect(ray.clusterResources().CPU).to.equal(4);
  });

  /** The keys of objects in the cluster's Redis now. */
  async function objectKeys(): Promise<string[]> {
    const redis = await checkedClient(cluster!.address);
    try {
      return await redis.keys("tsray:obj:*");
    } finally {
      redis.disconnect();
    }
  }

  it("frees in Redis the objects nothing refers to any more, and all of the session's at shutdown", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }]);
    ray.init({ address: cluster.url, dashboard: false });
    const gc = garbageCollector();
    for (let i = 0; i < 40; i++) expect(await ray.get(identity.remote(ray.put(i)))).to.equal(i);
    const kept = [ray.put(-1), identity.remote(-2)];
    expect(await ray.get(kept)).to.deep.equal([-1, -2]);
    let left = await objectKeys();
    for (let tries = 0; tries < 50 && left.length > kept.length; tries++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await objectKeys();
    }
    expect(left, "only the objects of the refs still held").to.have.length(kept.length);
    expect(await ray.get(kept)).to.deep.equal([-1, -2]);
    await ray.shutdown();
    expect(await objectKeys(), "none after shutdown").to.deep.equal([]);
  });

  it("a driver killed without shutdown: its queued tasks are dropped and its objects swept from Redis", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }]);
    const child = spawn(process.execPath, [join(__dirname, "fixtures", "cluster-driver-child.js"), cluster.url], { stdio: ["ignore", "pipe", "inherit"] });
    const ready = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => String(chunk).includes("ready") && resolve(String(chunk).trim()));
      child.once("exit", (code) => reject(new Error(`the driver exited early (code ${code})`)));
    });
    expect(ready).to.equal("ready 5 20");
    expect((await objectKeys()).length, "its puts are in Redis").to.be.at.least(5);
    child.kill("SIGKILL");
    const redis = await checkedClient(cluster.address);
    try {
      let drivers = await redis.smembers("tsray:drivers");
      for (let waited = 0; waited < 15_000 && (drivers.length > 0 || (await objectKeys()).length > 0); waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        drivers = await redis.smembers("tsray:drivers");
      }
      expect(drivers, "the dead driver is forgotten").to.deep.equal([]);
      expect(await objectKeys(), "its objects are gone").to.deep.equal([]);
    } finally {
      redis.disconnect();
    }
    // The node serves the next driver at once: nothing of the dead one's 20 tasks is left to run first.
    ray.init({ address: cluster.url, dashboard: false });
    const started = performance.now();
    expect(await ray.get([sleepUnits.remote(0, 0), sleepUnits.remote(0, 0)])).to.deep.equal([0, 0]);
    expect(performance.now() - started, "no queued task of the dead driver ran before").to.be.below(1000);
  });

  it("two drivers at once: each gets its own results and its own tasks' output; one's shutdown leaves the other's work running", async () => {
    cluster = await startLocalCluster([{ numCpus: 2 }, { numCpus: 2 }]);
    ray.init({ address: cluster.url, dashboard: false });
    let second = "";
    const child = spawn(process.execPath, [join(__dirname, "fixtures", "cluster-second-driver.js"), cluster.url], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout!.on("data", (chunk: Buffer) => (second += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => printed.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      // Ours run side by side with the second driver's, and on after it has shut down.
      const ours = Array.from({ length: 16 }, (_, i) => echoTag.remote("first", i, 0.3));
      expect(await exited, second).to.equal(0);
      const later = await ray.get(echoTag.remote("first", 16, 0));
      expect([...(await ray.get(ours)), later]).to.deep.equal(Array.from({ length: 17 }, (_, i) => `first:${i}`));
      // Output comes over pub/sub, a moment after the result.
      for (let waited = 0; waited < 5_000 && printed.filter((text) => /first task \d/.test(text)).length < 17; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      process.stdout.write = write;
    }
    const lines = (text: string, tag: string) => text.split("\n").filter((line) => line.includes(`${tag} task`)).length;
    expect(second).to.contain(`results ${JSON.stringify(Array.from({ length: 8 }, (_, i) => `second:${i}`))}`);
    expect(lines(second, "second"), second).to.equal(8);
    expect(lines(second, "first"), "none of our output reached the other driver").to.equal(0);
    expect(lines(printed.join(""), "first"), printed.join("")).to.equal(17);
    expect(lines(printed.join(""), "second"), "none of its output reached us").to.equal(0);
  });

  it("a module missing on the node fails the task with a RayTaskError naming the module and the node", async () => {
    cluster = await startLocalCluster([{ numCpus: 1 }]);
    ray.init({ address: cluster.url, dashboard: false });
    expect(await ray.get(loadOnNode.remote("node:os"))).to.equal("object");
    const missing = join(tmpdir(), "tsray-not-installed-here", "helper.js");
    const error = await rejectionOf(ray.get(loadOnNode.remote(missing)));
    expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error.message).to.contain(`Cannot find module '${missing}'`);
    expect(error.message).to.contain(`node=${ray.nodes()[0].NodeManagerHostname}/${cluster.nodes[0].nodeId.slice(0, 6)}`);
  });

  it("a wrong password and an unreachable Redis fail init with one line saying what to do", async () => {
    cluster = await startLocalCluster([{ numCpus: 1 }]);
    const wrong = formatAddress({ ...cluster.address, password: "not-the-password" });
    const refused = await rejectionOf(Promise.resolve().then(() => ray.init({ address: wrong, dashboard: false })));
    expect(refused).to.be.instanceOf(RayError);
    expect(refused.message).to.match(/refused the password/);
    expect(refused.message).not.to.contain("not-the-password");
    expect(ray.isInitialized()).to.equal(false);
    const nowhere = formatAddress({ host: "127.0.0.1", port: 9, password: "x" });
    const unreachable = await rejectionOf(Promise.resolve().then(() => ray.init({ address: nowhere, dashboard: false })));
    expect(unreachable.message).to.match(/cannot reach the cluster's Redis at 127\.0\.0\.1:9/);
    expect(unreachable.message.split("\n")).to.have.length(1);
  });

  it(`refuses an object over ${MAX_OBJECT_BYTES / 2 ** 20} MB at put and at a task's return, saying the limit`, async () => {
    cluster = await startLocalCluster([{ numCpus: 1 }]);
    ray.init({ address: cluster.url, dashboard: false });
    const tooBig = new Uint8Array(MAX_OBJECT_BYTES + 1);
    expect(() => ray.put(tooBig)).to.throw(/the value given to ray\.put\(\) is 256 MB, over the cluster's limit of 256 MB per object/);
    const returned = await rejectionOf(ray.get(bigResult.remote(), { timeout: 30 }));
    expect(returned.message).to.match(/the result of ray::\S+ is 256 MB, over the cluster's limit of 256 MB per object/);
  });

  it('address "auto" finds the cluster `tsray start` recorded on this machine', async () => {
    cluster = await startLocalCluster([{ numCpus: 1 }]);
    const dir = mkdtempSync(join(tmpdir(), "tsray-session-"));
    const before = process.env.TSRAY_SESSION_DIR;
    process.env.TSRAY_SESSION_DIR = dir;
    try {
      writeSessionFile({ address: cluster.url, head: true, processes: [] });
      ray.init({ address: "auto", dashboard: false });
      expect(await ray.get(sleepUnits.remote(0, 0))).to.equal(0);
      expect(ray.nodes().map((node) => node.NodeID)).to.deep.equal([cluster.nodes[0].nodeId]);
    } finally {
      if (before === undefined) delete process.env.TSRAY_SESSION_DIR;
      else process.env.TSRAY_SESSION_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
