// The import graph of the source folders, read from the .ts files (TypeScript's own
// pre-parser finds every import, export-from, require and import()), and the cycles in it,
// between folders and between files; and the relative paths a file names in any string
// (a module loaded by a computed `require` is named somewhere as a path).
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** An import from one source file to another, as paths relative to the package root with "/". */
export interface ImportEdge {
  from: string;
  to: string;
}

function tsFilesUnder(root: string, folder: string): string[] {
  const absolute = join(root, folder);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(folder, name).split(sep).join("/"));
}

/** The source file a relative specifier names (`./x` is x.ts or x/index.ts), or undefined. */
function resolveSource(root: string, fromFile: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate).split(sep).join("/");
  }
  return undefined;
}

/** Every import between the .ts files of `folders` (relative to `root`); packages and other folders are left out. */
export function importEdges(root: string, folders: string[]): ImportEdge[] {
  const files = new Set(folders.flatMap((folder) => tsFilesUnder(root, folder)));
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, from), "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const to = resolveSource(root, from, fileName);
      if (to && files.has(to)) edges.push({ from, to });
    }
  }
  return edges;
}

export const topFolder = (file: string): string => file.split("/")[0];

/** The strongly connected parts of a graph with more than one node, each sorted: its cycles. */
export function cyclesOf(edges: Array<[string, string]>): string[][] {
  const next = new Map<string, string[]>();
  for (const [from, to] of edges) {
    next.set(from, [...(next.get(from) ?? []), to]);
    if (!next.has(to)) next.set(to, []);
  }
  // Tarjan's algorithm; the graphs here are a few hundred files, so recursion is fine.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node)!) {
      if (!index.has(to)) visit(to);
      if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, low.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const part: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      part.push(member);
    } while (member !== node);
    if (part.length > 1) cycles.push(part.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The cycles between top-level folders, each with the file imports that make it, for the message. */
export function folderCycles(edges: ImportEdge[]): Array<{ folders: string[]; imports: string[] }> {
  const across = edges.filter((edge) => topFolder(edge.from) !== topFolder(edge.to));
  const cycles = cyclesOf(across.map((edge) => [topFolder(edge.from), topFolder(edge.to)]));
  return cycles.map((folders) => ({
    folders,
    imports: across
      .filter((edge) => folders.includes(topFolder(edge.from)) && folders.includes(topFolder(edge.to)))
      .map((edge) => `${edge.from} -> ${edge.to}`),
  }));
}

/** Imports of a file inside `folder` (e.g. "runtime/local") from a file outside it: what only its own folder may see. */
export function importsIntoFromOutside(edges: ImportEdge[], folder: string): ImportEdge[] {
  const inside = (file: string) => file.startsWith(`${folder}/`);
  return edges.filter((edge) => inside(edge.to) && !inside(edge.from));
}

/** The cycles between files. */
export function fileCycles(edges: ImportEdge[]): string[][] {
  return cyclesOf(edges.map((edge) => [edge.from, edge.to]));
}

/** The folder of `file` one level below `parent` ("runtime/local/x.ts" -> "runtime/local"), or the file itself when it sits in `parent`. */
export function subfolderOf(file: string, parent: string): string {
  return file.split("/").slice(0, parent.split("/").length + 1).join("/");
}

/** Files of `folders` outside `target` that name, in any string, a relative path to a file inside it. */
export function pathsNamedInto(root: string, folders: string[], target: string): ImportEdge[] {
  const found: ImportEdge[] = [];
  for (const from of folders.flatMap((folder) => tsFilesUnder(root, folder))) {
    if (from.startsWith(`${target}/`)) continue;
    for (const [, specifier] of readFileSync(join(root, from), "utf8").matchAll(/["'`](\.\.?\/[^"'`]*)["'`]/g)) {
      const to = resolveSource(root, from, specifier);
      if (to?.startsWith(`${target}/`)) found.push({ from, to });
    }
  }
  return found;
}
