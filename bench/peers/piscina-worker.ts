// piscina's worker: one exported function per task kind (`run(arg, { name })`).
export { inc, probe, sleepUnits } from "./tasks";
