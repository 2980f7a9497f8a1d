// tslab bundles its own TypeScript build; the kernel process uses the same one (loaded
// only when first needed, so that the kernel's sockets come up fast).
import { createRequire } from "node:module";

const requireFromTslab = createRequire(require.resolve("tslab/package.json"));

export function tslabTypeScript(): typeof import("typescript") {
  return requireFromTslab("@tslab/typescript-for-tslab");
}

export function tslabTypeScriptFile(): string {
  return requireFromTslab.resolve("@tslab/typescript-for-tslab");
}

/** The file tslab's converter keeps the declarations of earlier cells in. */
export const EARLIER_CELLS_FILE = /(^|\/)__prev__\.d\.ts$/;

/** That file's text, as tslab's converter writes it (a module, whatever the declarations). */
export function earlierCellsFileText(declarations: string, newLine: string): string {
  return `export {};${newLine}${declarations}`;
}

export function tslabTypeScriptVersion(): string {
  return requireFromTslab("@tslab/typescript-for-tslab/package.json").version;
}
