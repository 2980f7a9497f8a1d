// workerpool's worker: the task functions registered by name.
import workerpool from "workerpool";
import { inc, probe } from "./tasks";

workerpool.worker({ inc, probe });
