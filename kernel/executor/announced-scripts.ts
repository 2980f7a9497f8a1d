// Each cell's script tells the runtime its name and source as it starts (announceScript),
// so that shipping a function defined in the cell does not have to ask the debugger.
import { announceScript, ScriptInfo } from "../../runtime/shipping/locate";

/** How tslab's executor ends every cell's script: the call of the function wrapping the cell. */
const TSLAB_CALL = "})(__tslab__.exports, __tslab__.require)";
const ANNOUNCE = "__tsray_announce_script__";

let starting: ScriptInfo | undefined;

Object.defineProperty(globalThis, ANNOUNCE, {
  value: (probe: Function) => {
    if (starting) announceScript(probe, starting);
    starting = undefined;
  },
});

/**
 * The cell's script with one more argument to tslab's wrapper call: an announcement, which
 * runs before the cell's first statement (and leaves lines and columns where they were).
 * Other code is returned as it is.
 */
export function announcing(code: string, url: string): string {
  if (!code.endsWith(TSLAB_CALL)) return code;
  const source = `${code.slice(0, -1)}, ${ANNOUNCE}(() => 0))`;
  starting = { url, source };
  return source;
}
