// Where a function was defined: its script (a cell's `__cellN__.js`, or a module file) and
// position, and that script's source. V8 knows ([[FunctionLocation]]); the inspector, in
// this thread, tells us synchronously, and the script's source is known from the script
// itself (a cell announces it), or from the module file it was likely defined in (read, and
// checked against V8's location), or else from the debugger. Used to find the top-level declarations a function
// may use, and to show a task's stack frames as lines of the user's cell or file. The
// inspector also shows the variables a function closes over: how the driver finds a
// module's class that the module does not export (core/classes.ts).
import { readFileSync } from "node:fs";
import { Session } from "node:inspector";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";

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

/** Scripts announced and not looked up yet, each with a function it defines. */
const announced: { probe: Function; script: ScriptInfo }[] = [];

/**
 * A script the program runs (a kernel's cell) tells where it comes from, passing a function
 * it defines. Looking a script up through the debugger instead costs Debugger.enable, which
 * reports every script the process has loaded: 0.2-0.5 s once TypeScript is loaded, paid by
 * the first `.remote()` of each cell (and seen in lesson 03's timings).
 */
export function announceScript(probe: Function, script: ScriptInfo): void {
  announced.push({ probe, script });
  if (announced.length > MAX_SCRIPTS) announced.shift();
}

function remember(scriptId: string, script: ScriptInfo): void {
  scripts.set(scriptId, script);
  if (scripts.size > MAX_SCRIPTS) scripts.delete(scripts.keys().next().value as string);
}

/** Looks up announced scripts, newest first (a cell ships its own functions), until `scriptId` is found. */
function rememberAnnounced(scriptId: string): void {
  while (announced.length > 0 && !scripts.has(scriptId)) {
    const { probe, script } = announced.pop()!;
    const location = functionLocation(probe);
    if (location) remember(location.scriptId, script);
  }
}

function scriptFromDebugger(scriptId: string): ScriptInfo {
  const urls = new Map<string, string>();
  const listener = (message: { params: { scriptId: string; url: string } }) => urls.set(message.params.scriptId, message.params.url);
  connect().on("Debugger.scriptParsed", listener);
  try {
    post("Debugger.enable", {});
    const { scriptSource } = post<{ scriptSource: string }>("Debugger.getScriptSource", { scriptId });
    return { url: urls.get(scriptId) ?? `script-${scriptId}`, source: scriptSource };
  } finally {
    post("Debugger.disable", {});
    session!.off("Debugger.scriptParsed", listener);
  }
}

/**
 * The script among module files that holds `fn` where V8 says it is: the text of `fn` must
 * span that position. Asking the debugger instead (Debugger.enable reports every script
 * loaded) took about 30 ms at a plain program's first `.remote()`.
 */
function scriptFromFiles(fn: Function, location: FunctionLocation, files: Iterable<string | undefined>): ScriptInfo | undefined {
  const text = Function.prototype.toString.call(fn);
  const tried = new Set<string>();
  for (const file of files) {
    if (!file || tried.has(file)) continue;
    tried.add(file);
    if (!isAbsolute(file)) continue;
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const offset = offsetOf(source, location.lineNumber, location.columnNumber);
    const start = source.lastIndexOf(text, offset);
    if (start >= 0 && offset < start + text.length) return { url: pathToFileURL(file).href, source };
  }
  return undefined;
}

/**
 * The file of a loaded CommonJS module that exports `fn` (a function `ray.remote` was given
 * from another module). Only data properties are read: a module's getters are not called.
 */
function fileExporting(fn: Function): string | undefined {
  for (const module of Object.values(require.cache)) {
    const exported = module?.exports as unknown;
    if (exported === fn) return module!.filename;
    if (exported === null || typeof exported !== "object") continue;
    for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(exported))) if (descriptor.value === fn) return module!.filename;
  }
  return undefined;
}

/** Where `fn` may be defined, most likely first: tried lazily, each only if the one before did not hold it. */
function* candidateFiles(fn: Function, definedIn: string | undefined): Generator<string | undefined> {
  yield definedIn;
  yield require.main?.filename;
  yield fileExporting(fn);
}

function scriptById(fn: Function, location: FunctionLocation, definedIn: string | undefined): ScriptInfo | undefined {
  const { scriptId } = location;
  if (!scripts.has(scriptId)) rememberAnnounced(scriptId);
  if (!scripts.has(scriptId)) {
    const found = scriptFromFiles(fn, location, candidateFiles(fn, definedIn));
    remember(scriptId, found ?? scriptFromDebugger(scriptId));
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
/** The inspector's handles made here, released together after each use. */
const GROUP = "tsray-locate";

interface PropertyDescriptor {
  name: string;
  value?: { objectId?: string; value?: unknown; description?: string };
}

/** The inspector's handle for `value` (in GROUP). */
function handleOf(value: unknown): string {
  (globalThis as Record<string, unknown>)[PROBE] = value;
  try {
    return post<{ result: { objectId: string } }>("Runtime.evaluate", { expression: `globalThis.${PROBE}`, objectGroup: GROUP }).result.objectId;
  } finally {
    delete (globalThis as Record<string, unknown>)[PROBE];
  }
}

/** The value a handle stands for. */
function valueOf(objectId: string): unknown {
  post("Runtime.callFunctionOn", { objectId, functionDeclaration: `function () { globalThis.${PROBE} = this; }` });
  try {
    return (globalThis as Record<string, unknown>)[PROBE];
  } finally {
    delete (globalThis as Record<string, unknown>)[PROBE];
  }
}

function propertiesOf(objectId: string): { result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] } {
  return post("Runtime.getProperties", { objectId, ownProperties: true });
}

interface FunctionLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** Where V8 says a function is defined (its parameter list). */
function functionLocation(fn: Function): FunctionLocation | undefined {
  connect();
  try {
    const { internalProperties } = propertiesOf(handleOf(fn));
    return internalProperties?.find((p) => p.name === "[[FunctionLocation]]")?.value?.value as FunctionLocation | undefined;
  } finally {
    post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
  }
}

/** The function named `name` among the variables `fn` closes over (its module's top-level ones included), if any. */
export function closedOverFunction(fn: Function, name: string): Function | undefined {
  try {
    connect();
    const scopes = propertiesOf(handleOf(fn)).internalProperties?.find((p) => p.name === "[[Scopes]]")?.value?.objectId;
    if (!scopes) return undefined;
    // The global scope holds globals only, and has thousands of them.
    for (const scope of propertiesOf(scopes).result) {
      if (!scope.value?.objectId || scope.value.description === "Global") continue;
      const variable = propertiesOf(scope.value.objectId).result.find((v) => v.name === name);
      if (variable?.value?.objectId) {
        const value = valueOf(variable.value.objectId);
        return typeof value === "function" ? value : undefined;
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
  }
}

/** `definedIn`: the module file it is likely defined in (where `ray.remote` was called), tried before the debugger. */
export function locateFunction(fn: Function, definedIn?: string): FunctionOrigin | undefined {
  try {
    const location = functionLocation(fn);
    if (!location) return undefined;
    const script = scriptById(fn, location, definedIn);
    if (!script) return undefined;
    // The location is that of the parameter list; the source text starts at or before it.
    const start = script.source.lastIndexOf(fn.toString(), offsetOf(script.source, location.lineNumber, location.columnNumber));
    if (start < 0) return undefined;
    return { script, ...positionOf(script.source, start) };
  } catch {
    return undefined;
  }
}
