// What `ray.init` takes (docs/API.md section 2): the session reads the dashboard's options,
// the backend it starts reads the rest.

export interface InitOptions {
  /**
   * A cluster to connect to: `redis://:PASSWORD@HOST:PORT`, or "auto" (the one `tsray start`
   * runs on this machine); "local" starts a local instance even when TSRAY_ADDRESS is set.
   */
  address?: string;
  numCpus?: number;
  ignoreReinitError?: boolean;
  logToDriver?: boolean;
  resources?: Record<string, number>;
  dashboard?: boolean;
  dashboardHost?: string;
  dashboardPort?: number;
  /** Each worker's (and actor's) V8 heap limit in MB (default: half the memory shared among the workers, at least 256). */
  workerHeapMb?: number;
  /** The process's resident memory in MB past which the worker running the newest task is stopped (default 90% of the machine's). */
  memoryLimitMb?: number;
}
