// tslab requires its TypeScript by name; the executor puts it in the module cache first,
// seen through typeScriptForTslab (typescript-for-tslab.ts). TypeScript is an 8 MB script
// that V8 compiles at every start. V8 can save the compiled code, including the functions
// that warm-up compiled, and load it next time: such a cache is kept per TypeScript and
// Node version under the user's cache directory. A stale or corrupt cache is rejected by
// V8 itself and written anew; a cache that cannot be written is simply not kept.
//
// The executor once started from a V8 startup snapshot with TypeScript loaded and the
// declarations parsed: its first result came in half the time (0.45 s against 0.8 s).
// Given up, because Node builds every worker thread's heap from the same snapshot: each
// of the runtime's worker threads in a kernel then held a copy of TypeScript's source and
// code, 42 MB instead of 9.4 (8 workers: 334 MB against 75), and the first task after
// `ray.init({ numCpus: 8 })` started 0.41 s later instead of 0.18 s; the executor's own
// interrupt thread cost as much again.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import vm from "node:vm";
import type * as TS from "typescript";
import { tslabTypeScriptFile, tslabTypeScriptVersion } from "./tslab-modules";
import { CellConversions, HostHook, typeScriptForTslab } from "./typescript-for-tslab";
import { DeclarationsAhead } from "./declarations-ahead";
import { DeclarationsCombinedAtRest } from "./declarations-combined-at-rest";
import { DeclarationsWithoutDocs } from "./declarations-without-docs";
import { deferWatchersOf } from "./deferred-watchers";

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "tsray", `typescript-${tslabTypeScriptVersion()}-node-${process.version}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

type ModuleInternals = typeof Module & {
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, Module>;
};

function putInModuleCache(filename: string, exports: unknown): void {
  const internals = Module as ModuleInternals;
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = internals._nodeModulePaths(dirname(filename));
  mod.exports = exports;
  mod.loaded = true;
  internals._cache[filename] = mod;
}

/**
 * A script's text with every character above U+00FF written as a `\u` escape. V8 keeps a
 * script's source for as long as its functions live (it compiles them lazily, from it),
 * and stores a string holding any such character at two bytes per character: the five
 * typographic quotes and arrows in the comments of TypeScript 5.0's typescript.js made its
 * 8 MB source take 16 MB of the executor's heap for the life of the process. An escape
 * means the same character in a string, a regular expression or an identifier, and is
 * inert in a comment; only a template's raw text would see it, and typescript.js has no
 * such character there. The replacement costs the start about 17 ms (8 M characters).
 */
export function inOneByteCharacters(text: string): string {
  return text.replace(/[^\u0000-\u00ff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Compiles TypeScript with the saved code when there is some; `save` keeps it for next time. */
function compileWithCodeCache(filename: string): { ts: typeof TS; save(): void } {
  const file = cacheFile();
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(inOneByteCharacters(readFileSync(filename, "utf8"))), { filename, cachedData });
  const mod = { exports: {} as typeof TS };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(filename), mod, filename, dirname(filename));
  const upToDate = cachedData !== undefined && !script.cachedDataRejected;
  return {
    ts: mod.exports,
    save() {
      if (upToDate) return;
      try {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, script.createCachedData());
      } catch {
        // A read-only home: start-up is a little slower, nothing else changes.
      }
    },
  };
}

/** What the executor drives tslab's TypeScript with (see loadTypeScriptForTslab). */
export interface TypeScriptForTslab {
  conversions: CellConversions;
  declarationsAhead: DeclarationsAhead;
  /**
   * Gives the declaration files their doc comments back and combines them, once; true when
   * programs built from now on read other files than the ones before (a converter's watch
   * program keeps those: replace it). See DeclarationsWithoutDocs, DeclarationsCombinedAtRest.
   */
  declarationsAtRest(): boolean;
  finishStarting(): void;
}

let loaded: TypeScriptForTslab | undefined;

/**
 * Puts tslab's TypeScript into the module cache before tslab requires it. Returns the
 * switch for its conversions (CellConversions), the preparer of the next cell's
 * declarations, and what can wait until the kernel has answered: the declaration files
 * with their docs and combined, file watching, compiled code kept for the next start.
 * Once per process: tslab's modules keep the TypeScript they first required.
 */
export function loadTypeScriptForTslab(): TypeScriptForTslab {
  return (loaded ??= load());
}

function load(): TypeScriptForTslab {
  const filename = tslabTypeScriptFile();
  const { ts, save } = compileWithCodeCache(filename);
  const watchers = deferWatchersOf(ts.sys);
  const conversions = new CellConversions();
  const declarationsAhead = new DeclarationsAhead(ts);
  const combined = new DeclarationsCombinedAtRest(ts);
  const withoutDocs = new DeclarationsWithoutDocs(ts);
  const prepareHost: HostHook = (host, options) => {
    combined.serveFrom(host, options);
    withoutDocs.serveFrom(host, options);
    declarationsAhead.serveFrom(host, options);
  };
  putInModuleCache(filename, typeScriptForTslab(ts, conversions, { prepareHost, programBuilt: combined.programBuilt }));
  return {
    conversions,
    declarationsAhead,
    declarationsAtRest() {
      const docsBack = withoutDocs.stop();
      return combined.combine() || docsBack;
    },
    finishStarting() {
      watchers.start();
      save();
    },
  };
}
