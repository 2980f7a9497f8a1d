// The package as a plain library: `import { time, pnd, pd } from "tsray"`.
export * from "./preload";
