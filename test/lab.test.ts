// `tsray lab` / `npm start`: with a Jupyter frontend on PATH it registers the kernel in the
// project and opens the frontend on the lessons; with none, it says how to get one and
// walks through the first code lesson in the terminal, ending well.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TSRAY_BIN } from "../client/tsray-bin";
import { PROJECT, runLesson, failureDetails, failingCells } from "./support/lesson-run";

function lab(path: string, cwd: string) {
  const env = { ...process.env, PATH: path, JUPYTER_PATH: "", JUPYTER_DATA_DIR: join(cwd, "data") };
  return spawnSync(process.execPath, [TSRAY_BIN, "lab", "--no-browser"], { cwd, env, encoding: "utf8", timeout: 300_000 });
}

describe("tsray lab (npm start)", function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "tsray-lab-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("opens the Jupyter frontend it finds on the lessons, with the kernel registered in the project", () => {
    // A stand-in for jupyter-notebook that records how it was started.
    const bin = join(dir, "bin");
    const record = join(dir, "started-with.txt");
    mkdirSync(bin);
    writeFileSync(join(bin, "jupyter-notebook"), `#!/bin/sh\necho "$@" > ${record}\necho "$JUPYTER_PATH" >> ${record}\n`);
    chmodSync(join(bin, "jupyter-notebook"), 0o755);
    const result = lab(`${bin}:${dirname(process.execPath)}`, dir);
    expect(result.status, result.stderr).to.equal(0);
    const [args, jupyterPath] = readFileSync(record, "utf8").trim().split("\n");
    expect(args).to.equal(`--notebook-dir=${join(PROJECT, "notebooks")} --no-browser`);
    const kernelJson = join(jupyterPath.split(":")[0], "kernels", "tsray", "kernel.json");
    expect(existsSync(kernelJson), kernelJson).to.equal(true);
    expect(JSON.parse(readFileSync(kernelJson, "utf8")).argv).to.include("kernel");
  });

  it("without a frontend, says how to install one and runs lesson 02 in the terminal, exiting 0", () => {
    const empty = join(dir, "empty-path");
    mkdirSync(empty);
    const result = lab(empty, dir);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain("No JupyterLab or Jupyter Notebook was found on PATH.");
    expect(result.stdout).to.contain("pip install jupyterlab");
    expect(result.stdout).to.match(/Ran \d+ code cells in [\d.]+ s; 1 failed \(an exercise's check fails until you solve it\)/);
    expect(result.stdout).to.contain("Did you run the tasks in parallel?");
  });
});

describe("lesson 01, introduction", function () {
  it("runs every cell without error", async () => {
    const run = await runLesson("notebooks/01-Introduction.ipynb");
    expect(run.reports.length).to.be.greaterThan(0);
    expect(failingCells(run), failureDetails(run)).to.deep.equal([]);
  });
});
