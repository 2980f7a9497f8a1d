// Where a function was defined: its script (a cell's `__cellN__.js`, or a module file) and
// position, and that script's source. V8 knows ([[FunctionLocation]]); the inspector, in
// this thread, tells us synchronously. Used to find the top-level declarations a function
// may use, and to show a task's stack frames as lines of the user's cell or file.
import { Session } from "node:inspector";

export interface ScriptInfo {
  url: string;
  source: string;
}

export interface FunctionOrigin {
  script: ScriptInfo;
  /** 0-based line and column of the function's first character in the script. */
  line: number;
  column: number;
}

let session: Session | undefined;
const scripts = new Map<string, ScriptInfo>();
const MAX_SCRIPTS = 500;

function post<T>(method: string, params: object): T {
  let result: T | undefined;
  let failure: Error | null = null;
  session!.post(method, params, (error, value) => {
    failure = error;
    result = value as T;
  });
  if (failure) throw failure;
  return result as T;
}

function connect(): Session {
  if (!session) {
    session = new Session();
    session.connect();
  }
  return session;
}

function scriptById(scriptId: string): ScriptInfo | undefined {
  if (!scripts.has(scriptId)) {
    const urls = new Map<string, string>();
    const listener = (message: { params: { scriptId: string; url: string } }) => urls.set(message.params.scriptId, message.params.url);
    connect().on("Debugger.scriptParsed", listener);
    try {
      post("Debugger.enable", {});
      const { scriptSource } = post<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId });
      scripts.set(scriptId, { url: urls.get(scriptId) ?? `script-${scriptId}`, source: scriptSource });
      if (scripts.size > MAX_SCRIPTS) scripts.delete(scripts.keys().next().value as string);
    } finally {
      post("Debugger.disable", {});
      session!.off("Debugger.scriptParsed", listener);
    }
  }
  return scripts.get(scriptId);
}

function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let n = 0; n < line; n++) offset = source.indexOf("\n", offset) + 1;
  return offset + column;
}

export function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) };
}

const PROBE = "__tsray_locate_probe__";

export function locateFunction(fn: Function): FunctionOrigin | undefined {
  try {
    connect();
    (globalThis as Record<string, unknown>)[PROBE] = fn;
    const { result } = post<{ result: { objectId: string } }>("Runtime.evaluate", { expression: `globalThis.${PROBE}` });
    const { internalProperties } = post<{ internalProperties?: { name: string; value: { value: { scriptId: string; lineNumber: number; columnNumber: number } } }[] }>(
      "Runtime.getProperties",
      { objectId: result.objectId, ownProperties: true }
    );
    post("Runtime.releaseObject", { objectId: result.objectId });
    const location = internalProperties?.find((p) => p.name === "[[FunctionLocation]]")?.value.value;
    if (!location) return undefined;
    const script = scriptById(location.scriptId);
    if (!script) return undefined;
    // The location is that of the parameter list; the source text starts at or before it.
    const start = script.source.lastIndexOf(fn.toString(), offsetOf(script.source, location.lineNumber, location.columnNumber));
    if (start < 0) return undefined;
    return { script, ...positionOf(script.source, start) };
  } catch {
    return undefined;
  } finally {
    delete (globalThis as Record<string, unknown>)[PROBE];
  }
}
