// The dashboard of the running `ray.init()`: started by init (unless `dashboard: false`),
// stopped by shutdown (and, never keeping the process alive, with the kernel).
import type { DriverBackend } from "../core/backend";
import type { InitOptions } from "../core/init-options";
import { findFreePortSync } from "./port";
import { DashboardServer, DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from "./server";
import { takeSnapshot } from "./state";

let current: DashboardServer | undefined;

/** Starts it; `onUrl` hears the URL now and again if the port had to change while binding. */
export function startDashboard(backend: DriverBackend, options: InitOptions, onUrl: (url: string) => void): DashboardServer {
  const host = options.dashboardHost ?? DEFAULT_DASHBOARD_HOST;
  const port = options.dashboardPort ?? DEFAULT_DASHBOARD_PORT;
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new RangeError(`dashboardPort must be a port number, got ${String(options.dashboardPort)}`);
  const probedPort = port === 0 ? 0 : findFreePortSync(host, port);
  const server = new DashboardServer({ host, port, probedPort, state: () => takeSnapshot(backend) });
  current = server;
  onUrl(server.url);
  const asked = server.url;
  server.listening.then(
    () => {
      if (server.url !== asked) onUrl(server.url);
    },
    (error: Error) => {
      onUrl("");
      console.error(`The dashboard could not start: ${error.message}`);
    }
  );
  return server;
}

export async function stopDashboard(): Promise<void> {
  const server = current;
  current = undefined;
  await server?.close();
}

export { DashboardServer } from "./server";
export type { DashboardState } from "./state";
