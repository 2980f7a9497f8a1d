// The first `.remote()` without `init` initialises with defaults (API.md section 2). The
// driver is loaded only then, so that workers (which never drive) do not load it.
import type { Backend } from "./backend";

export function ensureDriver(): Backend {
  const driver = require("./driver") as typeof import("./driver");
  return driver.autoInit();
}
