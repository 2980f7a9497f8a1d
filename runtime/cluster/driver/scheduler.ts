// The cluster's scheduling, in the driver: one FIFO order over the whole cluster. A task
// waits for its top-level ref arguments, then for a node with its CPUs and resources free
// (never a node with fewer free than it needs), and is placed there as a job on that node's
// queue. A node's report settles the task's objects and frees what it held; a node's death
// places its tasks again elsewhere, up to their maxRetries, then fails them with
// WorkerCrashedError naming the node.
import { dependencyFailed, RayError, TaskCancelledError, WorkerCrashedError } from "../../core/errors";
import { argSlotOf, Cancel, JobPayload, TaskReport } from "../wire";
import type { RegisteredNode } from "../registry";
import type { ClusterObjects } from "./objects";
import { ClusterNode, NodeTable } from "./nodes";
import { ClusterTask, needsToPlace } from "./tasks";
import { AHEAD_PER_CPU, TaskDurations } from "./ahead";

export interface SchedulerEvents {
  /** Sends the task's job to the node's queue; settles with the id of its batch there. */
  place(node: ClusterNode, payload: JobPayload): Promise<string>;
  /** A task was placed; `sent` settles once its job is in the node's queue (what an actor's calls follow). */
  placed(task: ClusterTask, sent: Promise<void>): void;
  /** Tells a task's node to cancel it. */
  cancel(node: ClusterNode, cancel: Cancel): void;
  /** A task ended: its node's report, or the error its objects failed with. */
  finished(task: ClusterTask, outcome: { report: TaskReport } | { error: Error }): void;
}

export class ClusterScheduler {
  private readonly ready: ClusterTask[] = [];
  /** How many of the ready tasks need no CPU. */
  private zeroCpuReady = 0;
  private readonly durations = new TaskDurations();
  private readonly byJob = new Map<string, ClusterTask>();
  private readonly byReturn = new Map<string, ClusterTask>();
  private stopped = false;

  constructor(
    private readonly driverId: string,
    private readonly nodes: NodeTable,
    private readonly objects: ClusterObjects,
    private readonly events: SchedulerEvents
  ) {}

  submit(task: ClusterTask): void {
    for (const id of task.returnIds) {
      this.objects.create(id);
      this.byReturn.set(id, task);
    }
    const pending = [...new Set([...task.dependencies, ...task.carried])].filter((id) => this.objects.state(id) === "pending");
    if (pending.length === 0) return this.argumentsSettled(task);
    let left = pending.length;
    for (const id of pending) this.objects.onSettled(id, () => --left === 0 && this.argumentsSettled(task));
  }

  private argumentsSettled(task: ClusterTask): void {
    if (task.state !== "waiting") return; // cancelled meanwhile
    const failed = task.dependencies.map((id) => this.objects.errorOf(id)).find((error) => error !== undefined);
    if (failed) return this.fail(task, dependencyFailed(task.name, failed));
    this.enqueue(task, "back");
    this.pump();
  }

  /**
   * Places every ready task that fits somewhere, in FIFO order, and short ones ahead where
   * no CPU is free (ahead.ts). Called at every submission and every end: once nothing can
   * be placed anywhere it stops looking (so a long queue costs nothing per event).
   */
  pump(): void {
    if (this.stopped) return;
    for (let i = 0; i < this.ready.length; ) {
      const cpuFree = this.nodes.anyCpuFree();
      if (!cpuFree && this.zeroCpuReady === 0 && !this.nodes.placeAhead(AHEAD_PER_CPU)) return;
      const task = this.ready[i];
      const node = this.nodes.place(needsToPlace(task));
      const ahead = node ? undefined : this.durations.mayGoAhead(task) ? this.nodes.placeAhead(AHEAD_PER_CPU) : undefined;
      if (!node && !ahead) {
        i++;
        continue;
      }
      this.ready.splice(i, 1);
      if (needsToPlace(task).numCpus === 0) this.zeroCpuReady--;
      this.placeOn(task, (node ?? ahead)!, !node);
    }
  }

  private placeOn(task: ClusterTask, node: ClusterNode, ahead: boolean): void {
    if (ahead) node.ahead++;
    else this.nodes.take(node, needsToPlace(task));
    task.ahead = ahead;
    task.state = "placed";
    task.node = node;
    task.jobId = `${this.driverId}-${task.number}-${task.retries}`;
    this.byJob.set(task.jobId, task);
    const jobId = task.jobId;
    const payload = {
      ...task.body,
      driverId: this.driverId,
      jobId,
      task: task.number,
      name: task.name,
      args: task.args.map(argSlotOf),
      options: task.options,
      returnIds: task.returnIds,
      carried: task.carried,
    } as JobPayload;
    const sent = this.objects
      .storedInRedis([...task.dependencies, ...task.carried])
      .then(() => this.events.place(node, payload))
      .then((batch) => void (task.batch = batch));
    sent.catch((error: unknown) => this.jobFailed(jobId, `it could not be sent to its node: ${error instanceof Error ? error.message : String(error)}`));
    this.events.placed(task, sent);
  }

  private enqueue(task: ClusterTask, end: "front" | "back"): void {
    task.state = "ready";
    if (end === "front") this.ready.unshift(task);
    else this.ready.push(task);
    if (needsToPlace(task).numCpus === 0) this.zeroCpuReady++;
  }

  /** Takes a ready task out of the queue (it was cancelled, or its actor killed). */
  private dequeue(task: ClusterTask): void {
    this.ready.splice(this.ready.indexOf(task), 1);
    if (needsToPlace(task).numCpus === 0) this.zeroCpuReady--;
  }

  /** A node's report for a job (its objects are in Redis). */
  jobDone(jobId: string, report: TaskReport): void {
    const task = this.takeJob(jobId);
    if (!task) return;
    this.durations.observe(task, report.end - report.start);
    task.returnIds.forEach((id, i) => {
      const inline = report.inline[i];
      this.objects.storedByNode(id, inline ? Buffer.from(inline, "base64") : null);
    });
    this.end(task, { report });
  }

  /** The node could not run the job at all (not the task's own error: that is a report). */
  jobFailed(jobId: string, reason: string): void {
    const task = this.takeJob(jobId);
    if (task) this.fail(task, new RayError(`${task.name} failed on node ${task.node?.record.hostname ?? "?"}: ${reason}`));
  }

  private takeJob(jobId: string): ClusterTask | undefined {
    const task = this.byJob.get(jobId);
    if (!task || task.state !== "placed") return undefined;
    this.byJob.delete(jobId);
    if (task.ahead) task.node!.ahead--;
    else this.nodes.give(task.node!, needsToPlace(task));
    return task;
  }

  /** Its placed tasks go back to the front of the queue, or fail when out of retries. */
  nodeDied(record: RegisteredNode): void {
    const lost = [...this.byJob.values()].filter((task) => task.node?.record.id === record.id);
    const again: ClusterTask[] = [];
    for (const task of lost) {
      this.byJob.delete(task.jobId!);
      if (task.retries < task.options.maxRetries) {
        task.retries++;
        task.node = undefined;
        again.push(task);
      } else {
        this.fail(task, new WorkerCrashedError(`its node ${record.id.slice(0, 12)} (${record.hostname}, ${record.address}) died`));
      }
    }
    for (const task of again.reverse()) this.enqueue(task, "front");
    this.pump();
  }

  cancel(returnId: string, force: boolean): void {
    const task = this.byReturn.get(returnId);
    if (!task || task.state === "done") return;
    const error = new TaskCancelledError(task.name);
    if (task.state === "placed") {
      // Its node cancels it (its report frees the CPUs); its get fails from now on, whatever it reports.
      for (const id of task.returnIds) this.objects.fail(id, error);
      this.events.cancel(task.node!, { jobId: task.jobId!, force });
      return;
    }
    this.withdraw(task, error);
  }

  private fail(task: ClusterTask, error: Error): void {
    for (const id of task.returnIds) this.objects.fail(id, error);
    this.end(task, { error });
  }

  private end(task: ClusterTask, outcome: { report: TaskReport } | { error: Error }): void {
    task.state = "done";
    for (const id of task.returnIds) this.byReturn.delete(id);
    this.events.finished(task, outcome);
    this.pump();
  }

  /** An actor's creation not placed yet leaves the queue (the actor was killed). */
  withdraw(task: ClusterTask, error: Error): void {
    if (task.state !== "waiting" && task.state !== "ready") return;
    if (task.state === "ready") this.dequeue(task);
    this.fail(task, error);
  }

  /** The batches holding jobs placed and not reported, by node. */
  placedBatches(): Map<string, Set<string>> {
    const byNode = new Map<string, Set<string>>();
    for (const task of this.byJob.values()) {
      const nodeId = task.node!.record.id;
      if (!byNode.has(nodeId)) byNode.set(nodeId, new Set());
      if (task.batch) byNode.get(nodeId)!.add(task.batch);
    }
    return byNode;
  }

  counts(): { queued: number; running: number } {
    return { queued: this.ready.length, running: this.byJob.size };
  }

  /** Every task not done fails: the session ends. */
  stop(): void {
    this.stopped = true;
    const error = new RayError("ray.shutdown() ended the session before this task finished");
    for (const task of [...this.byReturn.values()]) if (task.state !== "done") for (const id of task.returnIds) this.objects.fail(id, error);
  }
}
