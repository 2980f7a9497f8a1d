// V8's gc() for tests about what happens once a value is garbage (an actor handle, a ref),
// made available in this process without starting it with --expose-gc.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
