import { readConnectionFile } from "./protocol/connection";
import { KernelServer } from "./server";

/** `tsray kernel <connection_file>`: what Jupyter starts. */
export async function runKernel(connectionFile: string): Promise<void> {
  const server = new KernelServer(readConnectionFile(connectionFile));
  // Jupyter interrupts with SIGINT by default; the kernel passes it to the running cell.
  process.on("SIGINT", () => server.interrupt());
  process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
  await server.start();
}
