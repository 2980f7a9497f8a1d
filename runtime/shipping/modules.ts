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

const index = new Map<unknown, ModuleSource>();
let builtinsIndexed = false;
/** Modules of require.cache indexed: each once, as it appears (a kernel's TypeScript alone takes 20 ms). */
const indexedFiles = new Set<string>();
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

function indexBuiltins(): void {
  for (const name of builtinModules) {
    if (SKIPPED_BUILTINS.test(name)) continue;
    try {
      add(`node:${name}`, require(`node:${name}`));
    } catch {
      // Not loadable here: not one a cell could have imported either.
    }
  }
  builtinsIndexed = true;
}

function refresh(): void {
  if (!builtinsIndexed) indexBuiltins();
  const files = Object.keys(require.cache);
  if (files.length === scannedCacheSize) return;
  let allLoaded = true;
  for (const file of files) {
    const mod = require.cache[file];
    if (indexedFiles.has(file) || !mod) continue;
    // A module still loading has not filled its exports yet: it is indexed on a later look.
    if (!mod.loaded) allLoaded = false;
    else indexedFiles.add(file), add(file, mod.exports);
  }
  scannedCacheSize = allLoaded ? files.length : -1;
}

export function moduleSourceOf(value: unknown): ModuleSource | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  refresh();
  const direct = index.get(value);
  if (direct) return direct;
  const wrapped = (value as { default?: unknown }).default;
  const star = wrapped !== undefined && index.get(wrapped);
  if (star && star.key === undefined) return { specifier: star.specifier, star: true };
  return undefined;
}
