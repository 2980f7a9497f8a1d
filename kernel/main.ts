import { readConnectionFile } from "./protocol/connection";
import { ExecutorHost } from "./executor-host";
import { parentToWatch, watchParent } from "./parent-watch";

/** `tsray kernel <connection_file>`: what Jupyter starts. */
export async function runKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile);
  // The executor takes over a second to load TypeScript: it starts first, and this
  // process loads ZeroMQ and binds its sockets meanwhile.
  const executor = new ExecutorHost(process.cwd());
  void executor.start();
  const { KernelServer } = await import("./server");
  const server = new KernelServer(info, executor);
  const stopAndExit = () => void server.stop().then(() => process.exit(0));
  // Jupyter interrupts with SIGINT by default; the kernel passes it to the running cell.
  process.on("SIGINT", () => server.interrupt());
  process.on("SIGTERM", stopAndExit);
  const parent = parentToWatch();
  watchParent(parent, () => {
    process.stderr.write(`[tsray kernel] the process that started this kernel (pid ${parent.pid}) is gone; shutting down\n`);
    stopAndExit();
  });
  await server.start();
}
