// Submitting to the local backend: a ref of an earlier session is refused before anything
// is queued (the scheduler never meets one), the arguments' refs are held as dependencies
// (dependencies.ts) and those captured in the function's values escape (they reach every
// worker that runs it), the task's refs are made (or taken from the worker that minted
// them), and it joins the queue.
import { Encoded, refIdsIn } from "../core/codec";
import { RayError } from "../core/errors";
import { newObjectId } from "../core/ids";
import { ObjectRef } from "../core/object-ref";
import { capturedRefIds, Shipment } from "../core/shipment";
import type { SubmitOptions } from "../core/task-options";
import type { DependencyResolver } from "./dependencies";
import type { Dispatcher } from "./dispatcher";
import type { ObjectStore } from "./object-store";
import type { RefCounts } from "../core/ref-counts";
import { submittingContext } from "../core/task-output";
import type { TaskTable } from "./task-table";
import type { WorkerPool } from "./worker-pool";

export class Submitter {
  constructor(
    private readonly store: ObjectStore,
    private readonly refs: RefCounts,
    private readonly resolver: DependencyResolver,
    private readonly tasks: TaskTable,
    private readonly dispatcher: Dispatcher,
    private readonly pool: WorkerPool,
    /** `ray.shutdown()` was called: nothing more is taken. */
    private readonly stopped: () => boolean
  ) {}

  /** `refs`: minted by the worker submitting it; `actor`: the creation of that actor. */
  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions, refs?: string[], actor?: string): ObjectRef[] {
    if (this.stopped()) throw new RayError("ray.shutdown() was called: call ray.init() again to submit tasks");
    const captured = capturedRefIds(shipment);
    this.requireKnownRefs(args, captured, () => `${options.name ?? shipment.fn.name}.remote()`);
    const ids = refs ?? (options.numReturns === 1 ? [newObjectId()] : Array.from({ length: options.numReturns }, () => newObjectId()));
    const deps = this.resolver.collect(args);
    if (captured.length > 0) this.refs.escape(captured);
    // Minted by a worker, which may keep them (ref-counts.ts).
    if (refs) this.refs.escape(refs);
    const task = {
      id: this.tasks.newId(),
      name: options.name ?? shipment.fn.name,
      shipment,
      args,
      deps,
      refs: ids,
      options,
      retries: 0,
      state: "queued" as const,
      context: submittingContext(),
      actor,
    };
    this.tasks.add(task);
    this.pool.activity(+1);
    this.dispatcher.enqueue(task, refs !== undefined && actor === undefined);
    return ids.map((id) => new ObjectRef(id));
  }

  /** Refuses a ref of an earlier session among the arguments (top-level or nested) or the values the function captured. */
  requireKnownRefs(args: Encoded[], captured: string[], where: () => string): void {
    // `where` is only made when there is a ref to check: most submissions have none.
    for (const arg of args) if (arg.hasRefs) this.store.requireKnown(refIdsIn(arg), where());
    if (captured.length > 0) this.store.requireKnown(captured, where());
  }

  /** A worker's submission refused: the refs it minted (and may hold) fail with the reason. */
  refuse(ids: string[], error: Error): void {
    this.refs.escape(ids);
    for (const id of ids) {
      this.store.create(id);
      this.store.settle(id, { error });
    }
  }
}
