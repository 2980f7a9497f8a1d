// The architecture's import rules, checked on the sources: no import cycle between files or
// between the top-level folders; inside runtime/ the layers import downwards only (core at
// the bottom, the backends at the top, side by side: neither imports the other); the local
// backend (runtime/local/) is seen from outside only through its one door, the session's
// table of backends, and so is the cluster backend (runtime/cluster/), but for the cluster
// commands of the CLI, which start and stop its processes. And each runtime module stays
// one idea a reader can hold: at most 300 lines.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "chai";
import { cyclesOf, fileCycles, folderCycles, importEdges, importsIntoFromOutside, pathsNamedInto, subfolderOf } from "./support/import-graph";

const PACKAGE_ROOT = resolve(__dirname, "../..");
const FOLDERS = ["runtime", "kernel", "cli", "client", "preload"];
/** runtime/'s layers, lowest first: each may import only those before it (the backends, last, share a layer). */
const RUNTIME_LAYERS = [["core"], ["shipping"], ["exec"], ["dashboard"], ["api"], ["local", "cluster"]].map((layer) => layer.map((name) => `runtime/${name}`));
const layerOf = (folder: string) => RUNTIME_LAYERS.findIndex((layer) => layer.includes(folder));

describe("import cycles", () => {
  const edges = importEdges(PACKAGE_ROOT, FOLDERS);

  it("reads the imports of the sources (the scan sees the runtime's own imports)", () => {
    expect(edges).to.deep.include({ from: "runtime/index.ts", to: "runtime/api/ray.ts" });
    expect(edges).to.deep.include({ from: "preload/index.ts", to: "runtime/index.ts" });
    expect(edges).to.deep.include({ from: "runtime/local/backend.ts", to: "runtime/local/dispatcher.ts" });
  });

  it("no cycle between the top-level folders", () => {
    const described = folderCycles(edges).map((cycle) => `${cycle.folders.join(" <-> ")}:\n    ${cycle.imports.join("\n    ")}`);
    expect(described, "folders that import each other; make the imports between them point one way").to.deep.equal([]);
  });

  it("no cycle between files, anywhere in runtime/, kernel/, cli/, client/, preload/", () => {
    expect(fileCycles(edges), "files that import each other (type imports count too)").to.deep.equal([]);
  });

  it("runtime/'s layers import downwards only: core, shipping, exec, dashboard, api, then the backends (local, cluster)", () => {
    const upwards = edges
      .filter((edge) => edge.from.startsWith("runtime/") && edge.to.startsWith("runtime/"))
      .filter((edge) => {
        const [fromFolder, toFolder] = [subfolderOf(edge.from, "runtime"), subfolderOf(edge.to, "runtime")];
        const [from, to] = [layerOf(fromFolder), layerOf(toFolder)];
        // runtime/index.ts (the package's entry) sits above every layer.
        return from >= 0 && fromFolder !== toFolder && (to < 0 || to >= from);
      })
      .map((edge) => `${edge.from} -> ${edge.to}`);
    expect(upwards, "an import from a lower layer to a higher one (or to a file outside the layers)").to.deep.equal([]);
  });

  it("nothing outside runtime/local/ imports it; only the session names it, in its table of backends", () => {
    const leaks = importsIntoFromOutside(edges, "runtime/local").map((edge) => `${edge.from} -> ${edge.to}`);
    expect(leaks, "runtime/local/ is one backend: reach it through the backend seam").to.deep.equal([]);
    const named = pathsNamedInto(PACKAGE_ROOT, FOLDERS, "runtime/local");
    expect(named).to.deep.equal([{ from: "runtime/api/session.ts", to: "runtime/local/index.ts" }]);
  });

  it("nothing outside runtime/cluster/ imports it but the CLI's cluster commands; the session and clusterUtils name it", () => {
    const commands = /^cli\/(start|stop|status)\.ts$/;
    const clusterUtils = (edge: { from: string; to: string }) => edge.from === "runtime/index.ts" && edge.to === "runtime/cluster/launch/local-cluster.ts";
    const leaks = importsIntoFromOutside(edges, "runtime/cluster")
      .filter((edge) => !commands.test(edge.from) && !clusterUtils(edge))
      .map((edge) => `${edge.from} -> ${edge.to}`);
    expect(leaks, "runtime/cluster/ is one backend: reach it through the backend seam").to.deep.equal([]);
    const named = pathsNamedInto(PACKAGE_ROOT, FOLDERS, "runtime/cluster").filter((edge) => !commands.test(edge.from));
    const distinct = [...new Set(named.map((edge) => JSON.stringify(edge)))].map((edge) => JSON.parse(edge) as { from: string; to: string });
    expect(distinct.sort((a, b) => a.from.localeCompare(b.from))).to.deep.equal([
      { from: "runtime/api/session.ts", to: "runtime/cluster/index.ts" },
      { from: "runtime/index.ts", to: "runtime/cluster/launch/local-cluster.ts" },
    ]);
  });

  it("no runtime module is over 300 lines", () => {
    const runtime = join(PACKAGE_ROOT, "runtime");
    const long = readdirSync(runtime, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts"))
      .map((name) => ({ name, lines: readFileSync(join(runtime, name), "utf8").split("\n").length - 1 }))
      .filter((file) => file.lines > 300)
      .map((file) => `runtime/${file.name}: ${file.lines} lines`);
    expect(long, "split the module by role").to.deep.equal([]);
  });

  it("the checks find what they look for (a folder cycle, a file cycle, an import into a folder from outside)", () => {
    const made = [
      { from: "a/x.ts", to: "b/y.ts" },
      { from: "b/y.ts", to: "b/z.ts" },
      { from: "b/z.ts", to: "a/w.ts" },
      { from: "c/v.ts", to: "a/local/u.ts" },
      { from: "a/local/t.ts", to: "a/local/u.ts" },
      { from: "a/local/u.ts", to: "a/local/t.ts" },
    ];
    expect(folderCycles(made).map((cycle) => cycle.folders)).to.deep.equal([["a", "b"]]);
    expect(fileCycles(made)).to.deep.equal([["a/local/t.ts", "a/local/u.ts"]]);
    expect(cyclesOf([["p", "q"], ["q", "r"], ["r", "p"], ["r", "s"]])).to.deep.equal([["p", "q", "r"]]);
    expect(importsIntoFromOutside(made, "a/local")).to.deep.equal([{ from: "c/v.ts", to: "a/local/u.ts" }]);
    expect(subfolderOf("runtime/local/worker/main.ts", "runtime")).to.equal("runtime/local");
  });
});
