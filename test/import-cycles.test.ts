// The architecture's import rules, checked on the sources: imports between the top-level
// folders point one way (no folder imports a folder that imports it back), and what will
// be the local backend (runtime/local/) is seen only from inside it. Cycles between files
// inside runtime/ still exist: they are listed here, not yet asserted.
import { resolve } from "node:path";
import { expect } from "chai";
import { cyclesOf, fileCyclesIn, folderCycles, importEdges, importsIntoFromOutside } from "./support/import-graph";

const PACKAGE_ROOT = resolve(__dirname, "../..");
const FOLDERS = ["runtime", "kernel", "cli", "client", "preload"];

describe("import cycles", () => {
  const edges = importEdges(PACKAGE_ROOT, FOLDERS);

  it("reads the imports of the sources (the scan sees the runtime's own imports)", () => {
    expect(edges).to.deep.include({ from: "runtime/index.ts", to: "runtime/api.ts" });
    expect(edges).to.deep.include({ from: "preload/index.ts", to: "runtime/index.ts" });
  });

  it("no cycle between the top-level folders (file-level cycles inside runtime/ are only listed)", () => {
    const cycles = folderCycles(edges);
    const described = cycles.map((cycle) => `${cycle.folders.join(" <-> ")}:\n    ${cycle.imports.join("\n    ")}`);
    expect(described, `folders that import each other; make the imports between them point one way`).to.deep.equal([]);
    const fileCycles = fileCyclesIn(edges, "runtime");
    if (fileCycles.length > 0) {
      console.log(`      file-level cycles inside runtime/ (not yet asserted):\n${fileCycles.map((c) => `        ${c.join(", ")}`).join("\n")}`);
    }
  });

  it("nothing outside runtime/local/ imports it", () => {
    const leaks = importsIntoFromOutside(edges, "runtime/local").map((edge) => `${edge.from} -> ${edge.to}`);
    expect(leaks, "runtime/local/ is one backend: reach it through the backend seam").to.deep.equal([]);
  });

  it("the checks find what they look for (a folder cycle, a file cycle, an import into a folder from outside)", () => {
    const made = [
      { from: "a/x.ts", to: "b/y.ts" },
      { from: "b/y.ts", to: "b/z.ts" },
      { from: "b/z.ts", to: "a/w.ts" },
      { from: "c/v.ts", to: "a/local/u.ts" },
      { from: "a/local/t.ts", to: "a/local/u.ts" },
    ];
    expect(folderCycles(made).map((cycle) => cycle.folders)).to.deep.equal([["a", "b"]]);
    expect(cyclesOf([["p", "q"], ["q", "r"], ["r", "p"], ["r", "s"]])).to.deep.equal([["p", "q", "r"]]);
    expect(importsIntoFromOutside(made, "a/local")).to.deep.equal([{ from: "c/v.ts", to: "a/local/u.ts" }]);
  });
});
