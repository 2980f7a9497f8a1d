// workerpool's worker: the task functions registered by name.
import workerpool from "workerpool";
import { inc, probe, sleepUnits } from "./tasks";

workerpool.worker({ inc, probe, sleepUnits });
