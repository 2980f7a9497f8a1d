// The local backend's one door: the session (api/session.ts) loads this module by name when
// `init` picks the local backend. Nothing else outside this folder imports from it.
import type { DriverBackend } from "../core/backend";
import type { InitOptions } from "../core/init-options";
import { LocalBackend } from "./backend";

export function startBackend(options: InitOptions): DriverBackend {
  return new LocalBackend(options);
}
