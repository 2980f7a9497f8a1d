// TypeScript is an 8 MB script that V8 compiles at every kernel start, and the executor
// then runs its parser over Node's type declarations before the first cell. V8 can save
// the compiled code, including the functions that warm-up compiled, and load it next
// time: this module loads tslab's TypeScript with such a cache, kept per TypeScript and
// Node version under the user's cache directory. A stale or corrupt cache is rejected
// by V8 itself and written anew; a cache that cannot be written is simply not kept.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import vm from "node:vm";
import type * as TS from "typescript";
import { tslabTypeScriptVersion } from "../tslab-modules";

const requireFromTslab = createRequire(require.resolve("tslab/package.json"));

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

/**
 * Puts TypeScript into the module cache, compiled with the saved code when there is one.
 * Later requires of it get `view(typescript)`.
 * Returns `save`, to call once the kernel is warm, which keeps the code for next time.
 */
export function loadTypeScriptWithCodeCache(view: (ts: typeof TS) => typeof TS): { save(): void } {
  const filename = requireFromTslab.resolve("@tslab/typescript-for-tslab");
  const file = cacheFile();
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(readFileSync(filename, "utf8")), { filename, cachedData });
  const internals = Module as ModuleInternals;
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = internals._nodeModulePaths(dirname(filename));
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(filename), mod, filename, dirname(filename));
  mod.exports = view(mod.exports);
  mod.loaded = true;
  internals._cache[filename] = mod;
  const upToDate = cachedData !== undefined && !script.cachedDataRejected;
  return {
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
