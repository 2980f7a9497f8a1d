// Turns a function into what a worker needs to run it (API.md section 3): its source, and
// the top-level declarations it uses, found by name in the script that defined it:
//   - in a cell: tslab's exports (every cell's top-level declarations) and the cell's
//     own imports; in a module file: its top-level statements and its exports;
//   - functions and classes travel as source (their own names resolved the same way),
//     modules as a specifier the worker imports again, remote functions as handles,
//     anything else as a copy of its value now (that is, at submission).
// A remote function that uses itself, or one that uses it (recursion, mutual recursion), is
// sent as a handle to the shipment being planned: the data then refer to one another.
// A name that resolves to none of these (a closure's local variable) is refused, by name.
import { join } from "node:path";
import { encode, CannotCopyError, SHIP } from "../core/codec";
import type { RemoteData, Segment, ShippedData, ShippedFunction, Shipment, Shippable } from "../core/shipment";
import { FreeNames, freeNamesOf, topLevelDeclarations, TopLevelDeclaration } from "./free-names";
import { closedOverFunction, FunctionOrigin, locateFunction, positionOf, ScriptInfo } from "./locate";
import { moduleSourceOf, ModuleSource } from "./modules";
import { idOfClass, idOfDeclaration } from "../core/classes";
import { newShippedId, rememberShipped } from "./shipped-registry";

export class RefusedFunctionError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "TypeError";
  }
}

interface Analysis {
  id: number;
  source: string;
  origin?: FunctionOrigin;
  names: FreeNames;
}

const analyses = new WeakMap<Function, Analysis>();
const declarationsByScript = new WeakMap<ScriptInfo, Map<string, TopLevelDeclaration>>();
const shippedByKey = new Map<string, ShippedFunction>();
/** Shipments that cannot change: the function uses no value looked up at submission. */
const staticShipments = new WeakMap<Function, Shipment>();

/** A function being planned, and the handles to it made meanwhile (by itself, or by a function it uses), which get its code when planned. */
interface InPlanning {
  shipment: Shipment;
  handles: RemoteData[];
}
const inPlanning = new Map<Function, InPlanning>();
const inPlanningByShipment = new WeakMap<Shipment, InPlanning>();

/** `foo() {}` (a method) and `async foo() {}` are not expressions; `function` makes them so. */
function asExpression(source: string): string {
  if (/^(class|function)\b/.test(source) || /^async\s+(function\b|\(|[\w$]+\s*=>)/.test(source)) return source;
  if (/^(\(|[\w$]+\s*=>)/.test(source)) return source;
  const method = /^(async\s+)?(\*?\s*)([\w$]+)\s*\(/.exec(source);
  if (method) return `${method[1] ?? ""}function${method[2] ? "*" : ""} ${source.slice(method[0].length - 1 - method[3].length)}`;
  return source;
}

function analyse(fn: Function, definedIn?: string): Analysis {
  let analysis = analyses.get(fn);
  if (!analysis) {
    const raw = Function.prototype.toString.call(fn);
    const source = asExpression(raw);
    const origin = source === raw ? locateFunction(fn, definedIn) : undefined;
    analysis = { id: newShippedId(), source, origin, names: freeNamesOf(source) };
    analyses.set(fn, analysis);
  }
  return analysis;
}

function declarationsOf(script: ScriptInfo): Map<string, TopLevelDeclaration> {
  let declarations = declarationsByScript.get(script);
  if (!declarations) {
    declarations = topLevelDeclarations(script.source);
    declarationsByScript.set(script, declarations);
  }
  return declarations;
}

function tslabExports(): Record<string, unknown> | undefined {
  return (globalThis as { __tslab__?: { exports: Record<string, unknown> } }).__tslab__?.exports;
}

/** A script is a module file when it has a path; otherwise it is a cell (or other vm code). */
function isFile(url: string): boolean {
  return url.startsWith("/") || url.startsWith("file:") || /^[A-Za-z]:\\/.test(url);
}

function fileOf(url: string): string {
  return url.startsWith("file:") ? new URL(url).pathname : url;
}

/** A top-level statement that makes a remote function: `const f = ray.remote(...)`. */
/** A top-level statement that makes a remote function: `const f = ray.remote(...)`, or `(0, m.remote)(...)` as tsc writes an imported `remote(...)`. */
const CREATES_REMOTE = /^(export\s+)?(const|let|var)\s+[\w$]+\s*(:[^=]+)?=\s*(\(0,\s*)?([\w$]+\.)?remote\)?\s*\(/;

/** A module's class statement, as tsc writes `class` and `export class` in CommonJS. */
const CLASS_DECLARATION = /^class\s+([\w$]+)/;

const PROVIDED = new Set(["require", "exports", "module", "__filename", "__dirname"]);

interface Context {
  script?: ScriptInfo;
  /** Where `exports.X` and (in a cell) bare names are looked up. */
  exports?: Record<string, unknown>;
  inCell: boolean;
  /** The function whose names are resolved: what it closes over holds its module's unexported classes. */
  fn: Function;
}

function contextOf(fn: Function, origin: FunctionOrigin | undefined): Context {
  if (!origin) return { exports: tslabExports(), inCell: tslabExports() !== undefined, fn };
  const url = origin.script.url;
  if (isFile(url)) return { script: origin.script, exports: require.cache[fileOf(url)]?.exports, inCell: false, fn };
  return { script: origin.script, exports: tslabExports(), inCell: true, fn };
}

class Planner {
  private readonly lines: string[] = [];
  private readonly segments: Segment[] = [];
  private readonly keyParts: string[] = [];
  private readonly defined = new Set<string>();
  private readonly seenStatements = new Set<TopLevelDeclaration>();
  readonly data: ShippedData[] = [];
  /** Whether a name was resolved to a value (a cell's or module's export, which may change). */
  usedValues = false;

  constructor(private readonly entryName: string) {}

  private refuse(name: string, why: string): never {
    throw new RefusedFunctionError(
      `ray.remote: ${this.entryName} uses '${name}', which ${why}. A remote function may use its parameters, ` +
        `globals, the preloaded names and top-level declarations (of any cell, or of its module); ` +
        `pass '${name}' as an argument instead.`
    );
  }

  /**
   * A module's statement run again in a worker would make a second remote function there,
   * one the driver never saw (its tasks could not be submitted): only exported ones are
   * reachable from the driver (as `exports.name`), and are sent as handles.
   */
  private refuseUnexportedRemote(name: string, url: string): never {
    throw new RefusedFunctionError(
      `ray.remote: ${this.entryName} uses '${name}', a remote function that its module (${fileOf(url)}) does not export. ` +
        `A remote function used by another task must be exported from its module: write 'export const ${name} = ray.remote(...)'.`
    );
  }

  private emit(code: string, origin?: { url: string; line: number; column: number }, prefix = 0): void {
    if (origin) this.segments.push({ startLine: this.lines.length + 1, lineCount: code.split("\n").length, prefix, ...origin });
    this.lines.push(...code.split("\n"));
  }

  private resolveNames(names: FreeNames, context: Context): void {
    for (const name of names.exportsRefs) {
      if (!context.exports || !(name in context.exports)) this.refuse(`exports.${name}`, "is not a declaration of an earlier cell or of its module");
      this.resolveValue(name, context.exports[name]);
    }
    for (const name of names.free) this.resolveName(name, context);
  }

  private resolveName(name: string, context: Context): void {
    if (this.defined.has(name) || PROVIDED.has(name)) return;
    const declaration = context.script ? declarationsOf(context.script).get(name) : undefined;
    if (context.inCell && context.exports && name in context.exports) return this.resolveValue(name, context.exports[name]);
    if (declaration && !context.inCell && CREATES_REMOTE.test(declaration.text)) this.refuseUnexportedRemote(name, context.script!.url);
    if (declaration && (declaration.isImport || !context.inCell)) return this.resolveStatement(declaration, context);
    if (name in globalThis) return;
    if (declaration) this.refuse(name, "was not declared yet when the task was submitted (declare it before the call)");
    this.refuse(name, "is not a top-level declaration (a variable local to an enclosing function?)");
  }

  private resolveStatement(declaration: TopLevelDeclaration, context: Context): void {
    if (this.seenStatements.has(declaration)) return;
    this.seenStatements.add(declaration);
    const script = context.script!;
    for (const name of declarationsOf(script).keys()) if (declarationsOf(script).get(name) === declaration) this.defined.add(name);
    this.resolveNames(declaration.names, context);
    this.keyParts.push(`t:${script.url}:${declaration.start}`);
    this.emit(declaration.text, { url: script.url, ...positionOf(script.source, declaration.start) });
    const className = CLASS_DECLARATION.exec(declaration.text)?.[1];
    if (className && isFile(script.url)) {
      const file = fileOf(script.url);
      const lookup = () => require.cache[file]?.exports?.[className] ?? closedOverFunction(context.fn, className);
      this.registerClass(className, idOfDeclaration(declaration, lookup));
    }
  }

  /** The worker tells its copy of a shipped class by the driver's id (core/classes.ts). */
  private registerClass(name: string, id: number): void {
    this.emit(`__tsray_class(${id}, ${name});`);
  }

  /**
   * A value of a cell's (or module's) exports, bound under its name and, at once, as
   * `exports.name` (how tslab writes a use of an earlier cell's declaration): code that
   * runs as it is defined (a later cell's `class Sub extends exports.Base`, a static field
   * `new exports.A()`) must find it there. Its dependencies are bound before it.
   */
  private resolveValue(name: string, value: unknown): void {
    if (this.defined.has(name)) return;
    this.defined.add(name);
    this.usedValues = true;
    this.bindValue(name, value);
    this.emit(`exports.${name} = ${name};`);
  }

  private bindValue(name: string, value: unknown): void {
    if (value !== null && (typeof value === "object" || typeof value === "function") && SHIP in (value as object)) {
      const { shipment, options } = (value as Shippable)[SHIP]();
      const handle: RemoteData = { kind: "remote", fn: shipment.fn, data: shipment.data, options };
      inPlanningByShipment.get(shipment)?.handles.push(handle);
      this.bindData(name, handle);
      return;
    }
    const module = moduleSourceOf(value);
    if (module) return this.bindModule(name, module);
    if (typeof value === "function") {
      const analysis = analyse(value);
      if (/\{\s*\[native code\]\s*\}$/.test(analysis.source)) this.refuse(name, "is a built-in function that cannot be sent");
      this.resolveNames(analysis.names, contextOf(value, analysis.origin));
      this.keyParts.push(`s:${name}:${analysis.id}`);
      const prefix = `const ${name} = (`;
      const origin = analysis.origin && { url: analysis.origin.script.url, line: analysis.origin.line, column: analysis.origin.column };
      this.emit(`${prefix}${analysis.source});`, origin, prefix.length);
      if (/^class\b/.test(analysis.source)) this.registerClass(name, idOfClass(value));
      return;
    }
    try {
      this.bindData(name, { kind: "value", encoded: encode(value, name) });
    } catch (error) {
      if (error instanceof CannotCopyError) this.refuse(name, `has a value that cannot be copied (${error.message})`);
      throw error;
    }
  }

  private bindData(name: string, data: ShippedData): void {
    this.keyParts.push(`d:${name}:${this.data.length}:${data.kind}`);
    this.emit(`let ${name} = __tsray_data[${this.data.length}];`);
    this.data.push(data);
  }

  private bindModule(name: string, module: ModuleSource): void {
    this.keyParts.push(`m:${name}:${module.specifier}:${module.key ?? ""}:${module.star ? 1 : 0}`);
    this.emit(`const ${name} = __tsray_import(${JSON.stringify(module)});`);
  }

  plan(fn: Function, definedIn?: string): Shipment {
    const analysis = analyse(fn, definedIn);
    const context = contextOf(fn, analysis.origin);
    this.resolveNames(analysis.names, context);
    const prefix = "return (";
    const origin = analysis.origin && { url: analysis.origin.script.url, line: analysis.origin.line, column: analysis.origin.column };
    this.emit(`${prefix}${analysis.source});`, origin, prefix.length);
    const key = `${analysis.id}|${this.keyParts.join("|")}`;
    let shipped = shippedByKey.get(key);
    if (!shipped) {
      const requireFrom = context.script && isFile(context.script.url) ? fileOf(context.script.url) : join(process.cwd(), "notebook.js");
      shipped = {
        id: newShippedId(),
        name: fn.name || "anonymous",
        // The header is one line, so segment lines are offset by exactly one.
        code: `(function (__tsray_data, __tsray_import, require, __tsray_class) { const exports = {};\n${this.lines.join("\n")}\n})`,
        requireFrom,
        segments: this.segments.map((s) => ({ ...s, startLine: s.startLine + 1 })),
      };
      shippedByKey.set(key, shipped);
      rememberShipped(shipped);
    }
    return { fn: shipped, data: this.data };
  }
}

/** What a worker needs to run `fn` now (`definedIn`: the file it is likely in, locate.ts); throws RefusedFunctionError naming what cannot be sent. */
export function ship(fn: Function, definedIn?: string): Shipment {
  const known = staticShipments.get(fn) ?? inPlanning.get(fn)?.shipment;
  if (known) return known;
  const planner = new Planner(`'${fn.name || "the function"}'`);
  // Its code is known once planned: handles to it made meanwhile receive it then.
  const planning: InPlanning = { shipment: { fn: undefined as never, data: planner.data }, handles: [] };
  inPlanning.set(fn, planning);
  inPlanningByShipment.set(planning.shipment, planning);
  try {
    const shipment = planner.plan(fn, definedIn);
    for (const handle of planning.handles) handle.fn = shipment.fn;
    // Only source text and globals: the same every time (and submitting is the hot path).
    if (!planner.usedValues) staticShipments.set(fn, shipment);
    return shipment;
  } finally {
    inPlanning.delete(fn);
  }
}
