// Recognises values that came from a module (a namespace imported in a cell, or a function
// or class one exports), so that a worker imports the module again instead of receiving a
// copy. Builtins are known by name; other modules by their file in require.cache.
import { builtinModules } from "node:module";

export interface ModuleSource {
  specifier: string;
  /** The export used, or none for the module itself. */
  key?: string;
  /** tslab's `import * as x` of a CommonJS module: a namespace wrapping it. */
  star?: boolean;
}

// Builtins whose loading prints deprecation warnings or is experimental.
const SKIPPED_BUILTINS = /^_|^(punycode|sys|wasi|test|sqlite|sea|trace_events|inspector\/promises)$/;
const LOADED_BUILTIN = "NativeModule ";

const index = new Map<unknown, ModuleSource>();
/** Modules indexed (builtins by name, the others by file): each once, as it appears (a kernel's TypeScript alone takes 20 ms). */
const indexed = new Set<string>();
let scannedBuiltins = -1;
let scannedCacheSize = -1;

/**
 * Indexes a module and the values it exports as plain properties. Getters are left alone:
 * reading one can act (yargs' `argv` parses the command line and runs its handler), and
 * what a getter re-exports is indexed under the module that defines it.
 */
function add(specifier: string, exports: unknown): void {
  if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return;
  if (!index.has(exports)) index.set(exports, { specifier });
  let properties: [string, PropertyDescriptor][];
  try {
    properties = Object.entries(Object.getOwnPropertyDescriptors(exports));
  } catch {
    return; // a Proxy that refuses to list itself
  }
  for (const [key, { enumerable, value }] of properties) {
    if (enumerable && (typeof value === "function" || (typeof value === "object" && value !== null)) && !index.has(value)) {
      index.set(value, { specifier, key });
    }
  }
}

/**
 * Indexes the builtins loaded so far, which Node lists in process.moduleLoadList: a value
 * can only come from one of those, and loading the others would act (`domain` alone makes
 * every callback pass through it and forbids process.setUncaughtExceptionCaptureCallback).
 */
function indexLoadedBuiltins(): void {
  const loadList = (process as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  if (loadList.length === scannedBuiltins) return;
  scannedBuiltins = loadList.length;
  const loaded = new Set(loadList.filter((entry) => entry.startsWith(LOADED_BUILTIN)).map((entry) => entry.slice(LOADED_BUILTIN.length)));
  for (const name of builtinModules) {
    if (!loaded.has(name) || indexed.has(name) || SKIPPED_BUILTINS.test(name)) continue;
    indexed.add(name);
    add(`node:${name}`, require(`node:${name}`));
  }
}

function indexRequireCache(): void {
  const files = Object.keys(require.cache);
  if (files.length === scannedCacheSize) return;
  let allLoaded = true;
  for (const file of files) {
    const mod = require.cache[file];
    if (indexed.has(file) || !mod) continue;
    // A module still loading has not filled its exports yet: it is indexed on a later look.
    if (!mod.loaded) allLoaded = false;
    else indexed.add(file), add(file, mod.exports);
  }
  scannedCacheSize = allLoaded ? files.length : -1;
}

export function moduleSourceOf(value: unknown): ModuleSource | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  indexLoadedBuiltins();
  indexRequireCache();
  const direct = index.get(value);
  if (direct) return direct;
  const wrapped = (value as { default?: unknown }).default;
  const star = wrapped !== undefined && index.get(wrapped);
  if (star && star.key === undefined) return { specifier: star.specifier, star: true };
  return undefined;
}
