// What a submission asks of the scheduler, whichever backend runs it: the options of a task
// (or an actor's creation) as remote functions and actor classes pass them to `Backend`.
/** A `.remote()` call's options, checked and filled with defaults (remote-function.ts). */
export interface SubmitOptions {
  numCpus: number;
  numReturns: number;
  maxRetries: number;
  maxCalls: number;
  resources: Record<string, number>;
  name?: string;
  /** CPUs that must be free to place it when more than it holds: a default actor needs 1 to be placed and holds 0 (Ray's rule). */
  placementCpus?: number;
}

/** The call that ends an actor once the calls before it are done (Ray's name). */
export const TERMINATE = "__ray_terminate__";

