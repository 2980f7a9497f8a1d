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

let index = new Map<unknown, ModuleSource>();
let indexedCacheSize = -1;
let builtinsIndexed = false;

function add(specifier: string, exports: unknown): void {
  if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return;
  if (!index.has(exports)) index.set(exports, { specifier });
  for (const key of Object.keys(exports as object)) {
    let value: unknown;
    try {
      value = (exports as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (typeof value === "function" || (typeof value === "object" && value !== null)) {
      if (!index.has(value)) index.set(value, { specifier, key });
    }
  }
}

function refresh(): void {
  const cacheSize = Object.keys(require.cache).length;
  if (builtinsIndexed && cacheSize === indexedCacheSize) return;
  index = new Map();
  for (const name of builtinModules) {
    if (SKIPPED_BUILTINS.test(name)) continue;
    try {
      add(`node:${name}`, require(`node:${name}`));
    } catch {
      // Not loadable here: not one a cell could have imported either.
    }
  }
  for (const [file, mod] of Object.entries(require.cache)) if (mod) add(file, mod.exports);
  builtinsIndexed = true;
  indexedCacheSize = cacheSize;
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
