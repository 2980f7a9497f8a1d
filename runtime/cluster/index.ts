// The cluster backend's one door: the session (api/session.ts) loads this module by name
// when `init` is given an address (or TSRAY_ADDRESS is set). Checks the address and the
// password before anything starts, so that `init` fails with the one line that says why.
import type { DriverBackend } from "../core/backend";
import { RayError } from "../core/errors";
import type { InitOptions } from "../core/init-options";
import { resolveAddress } from "./address";
import { ClusterBackend } from "./driver/backend";
import { preflightSync } from "./driver/preflight";

export function startBackend(options: InitOptions): DriverBackend {
  if (options.numCpus !== undefined || options.resources !== undefined) {
    throw new RayError("ray.init(): numCpus and resources are the nodes' to give when connecting to a cluster: set them with `tsray start --num-cpus N --resources JSON` on each node");
  }
  const address = resolveAddress(options.address);
  const answer = preflightSync(address);
  if (!answer.ok) throw new RayError(`ray.init(): ${answer.message}`);
  if (!answer.nodes.some((node) => node.alive)) {
    throw new RayError(`ray.init(): the cluster at ${address.host}:${address.port} has no node alive: start one with \`tsray start --address ...\` (or \`tsray start --head\`)`);
  }
  return new ClusterBackend(address, answer.nodes);
}
