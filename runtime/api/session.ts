// The session: `ray.init` picks a backend and starts it (with the dashboard), `ray.shutdown`
// stops them, and the first `.remote()` or `put` without `init` starts one with defaults
// (API.md section 2). The one place that knows which backends exist: each is loaded by
// name from BACKEND_MODULES only when picked, so that worker threads, which never drive,
// load none, and nothing else imports a backend. The dashboard too is loaded by `init`.
import { isMainThread } from "node:worker_threads";
import { Backend, currentBackend, DriverBackend, setBackend } from "../core/backend";
import { RayError } from "../core/errors";
import type { InitOptions } from "../core/init-options";

export interface RayContext {
  nodeIpAddress: string;
  webuiUrl: string;
  sessionDir: string;
  numCpus: number;
  toString(): string;
}

/** A backend's module: `startBackend` makes the driver's side of it. */
interface BackendModule {
  startBackend(options: InitOptions): DriverBackend;
}

/** The backends `init` can start, by name: the local, single-machine one, and a connection to a cluster. */
const BACKEND_MODULES = { local: "../local", cluster: "../cluster" } as const;

/** An address (or TSRAY_ADDRESS, as Ray's RAY_ADDRESS) means a cluster; "local" a local instance. */
function backendFor(options: InitOptions): keyof typeof BACKEND_MODULES {
  const address = options.address ?? process.env.TSRAY_ADDRESS;
  return address === undefined || address === "local" ? "local" : "cluster";
}

let session: { backend: DriverBackend; context: RayContext } | undefined;
let dashboard: typeof import("../dashboard") | undefined;

function dashboardModule(): typeof import("../dashboard") {
  return (dashboard ??= require("../dashboard") as typeof import("../dashboard"));
}

function startBackend(kind: keyof typeof BACKEND_MODULES, options: InitOptions): DriverBackend {
  const module = require(BACKEND_MODULES[kind]) as BackendModule;
  return module.startBackend(options);
}

export function init(options: InitOptions = {}): RayContext {
  if (!isMainThread) throw new RayError("ray.init() is called in the driver, not inside a task");
  if (session) {
    if (options.ignoreReinitError) return session.context;
    throw new RayError("Maybe you called ray.init twice by accident? This error can be suppressed by passing in 'ignoreReinitError: true' or by calling 'ray.shutdown()' prior to 'ray.init()'.");
  }
  const backend = startBackend(backendFor(options), options);
  const context = newContext(backend);
  session = { backend, context };
  setBackend(backend);
  console.log(`Started ${backend.description}.`);
  if (options.dashboard !== false) {
    try {
      const server = dashboardModule().startDashboard(backend, options, (url) => (context.webuiUrl = url));
      console.log(`View the dashboard at ${server.url}`);
    } catch (error) {
      // A bad dashboardPort: nothing stays started.
      void shutdown();
      throw error;
    }
  }
  return context;
}

function newContext(backend: DriverBackend): RayContext {
  const sessionDir = `/tmp/ray/session_${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}_${process.pid}`;
  const context: RayContext = {
    nodeIpAddress: "127.0.0.1",
    webuiUrl: "",
    sessionDir,
    numCpus: backend.numCpus,
    toString: (): string => `RayContext(numCpus=${backend.numCpus}, nodeIpAddress=127.0.0.1${context.webuiUrl ? `, webuiUrl=${context.webuiUrl}` : ""})`,
  };
  return context;
}

export async function shutdown(): Promise<void> {
  const stopping = session;
  session = undefined;
  if (stopping) setBackend(undefined);
  await Promise.all([stopping?.backend.shutdown(), dashboard?.stopDashboard()]);
}

export function isInitialized(): boolean {
  return session !== undefined || !isMainThread;
}

export function getWebuiUrl(): string {
  return session?.context.webuiUrl ?? "";
}

/** What `.remote()` and `put` submit to: the current backend, or one `init` starts now with defaults. */
export function backendOrInit(): Backend {
  const found = currentBackend();
  if (found) return found;
  init();
  return currentBackend()!;
}

/** The backend started in this thread by `init`: only in the driver (a node agent of a cluster drives its own). */
export function driverBackend(): DriverBackend | undefined {
  return session?.backend;
}
