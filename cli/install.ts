// Writes the kernelspec Jupyter reads to start tsray. Paths are absolute (node itself and
// our bin script), so the kernel starts even when neither is on Jupyter's PATH.
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { jupyterDataDir } from "../kernel/history";

export interface InstallOptions {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
  name?: string;
}

import { TSRAY_BIN } from "../client/tsray-bin";

/** The prefix of the Jupyter on PATH (`<prefix>/bin/jupyter`), found without Python. */
function jupyterPrefix(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "jupyter"))) return dirname(dir);
  }
  throw new Error("--sys-prefix needs a `jupyter` command on PATH; none was found. Use --user or --prefix DIR instead.");
}

export function kernelsDir(options: InstallOptions): string {
  const chosen = [options.user, options.sysPrefix, options.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new Error("choose one of --user, --sys-prefix and --prefix DIR");
  if (options.prefix !== undefined) return join(resolve(options.prefix), "share", "jupyter", "kernels");
  if (options.sysPrefix) return join(jupyterPrefix(), "share", "jupyter", "kernels");
  return join(jupyterDataDir(), "kernels");
}

export function kernelSpec(name: string) {
  return {
    argv: [process.execPath, TSRAY_BIN, "kernel", "{connection_file}"],
    display_name: name === "tsray" ? "TypeScript (tsray)" : `TypeScript (${name})`,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

export function installKernelSpec(options: InstallOptions): string {
  const name = options.name ?? "tsray";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`kernel name "${name}" may only use letters, digits, ".", "_" and "-"`);
  const dir = join(kernelsDir(options), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec(name), null, 2) + "\n");
  return dir;
}
