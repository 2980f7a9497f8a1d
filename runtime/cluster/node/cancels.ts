// `ray.cancel` of tasks placed on this node: the driver publishes each on the node's
// channel, and the local backend cancels the task as on one machine (`force` ends its
// worker thread). A cancel may come before its job is submitted here (its arguments still
// being read, or the job not fetched yet): it applies once the task is.
import type { Redis } from "ioredis";
import type { DriverBackend } from "../../core/backend";
import { keys } from "../keys";
import { listen } from "../listen";
import type { Cancel } from "../wire";

/** Cancels kept for jobs not seen yet (one that never comes, already done, is forgotten in time). */
const EARLY_CANCELS_KEPT = 10_000;

export class TaskCancels {
  /** Tasks submitted here and not done, by job: the local ref that names each. */
  private readonly running = new Map<string, string>();
  /** Cancels of jobs not submitted here yet, by job (with `force`). */
  private readonly early = new Map<string, boolean>();

  constructor(private readonly local: DriverBackend, nodeId: string, subscriber: Redis) {
    listen(subscriber, keys.cancels(nodeId), (message) => this.cancel(JSON.parse(message) as Cancel));
  }

  private cancel({ jobId, force }: Cancel): void {
    const ref = this.running.get(jobId);
    if (ref) return this.cancelLocally(jobId, ref, force);
    this.early.set(jobId, force);
    if (this.early.size > EARLY_CANCELS_KEPT) this.early.delete(this.early.keys().next().value!);
  }

  /** The job's task was submitted as `ref`: a cancel that came first applies now. */
  submitted(jobId: string, ref: string | undefined): void {
    if (!ref) return;
    this.running.set(jobId, ref);
    const force = this.early.get(jobId);
    this.early.delete(jobId);
    if (force !== undefined) this.cancelLocally(jobId, ref, force);
  }

  done(jobId: string): void {
    this.running.delete(jobId);
  }

  private cancelLocally(jobId: string, ref: string, force: boolean): void {
    try {
      this.local.cancel(ref, force);
    } catch (error) {
      console.error(`tsray node: could not cancel job ${jobId}: ${(error as Error).message}`);
    }
  }
}
