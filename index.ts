// The package as a plain library: `import * as ray from "tsray"` gives the runtime
// (API.md section 2), and `import { time, pnd, pd } from "tsray"` the preloaded helpers.
export * from "./runtime";
export * from "./preload";
