// threads.js's worker: the task functions exposed as methods.
import { expose } from "threads/worker";
import { inc, probe, sleepUnits } from "./tasks";

expose({ inc, probe, sleepUnits });
