// The tsray command line: install, run.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TSRAY_BIN } from "../client/tsray-bin";

function tsray(args: string[], cwd: string) {
  // The kernel's history goes to a Jupyter data dir of the test's own, not the user's.
  const env = { ...process.env, JUPYTER_DATA_DIR: join(cwd, "jupyter-data") };
  const result = spawnSync(process.execPath, [TSRAY_BIN, ...args], { cwd, env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
  });
}

describe("tsray command line", function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "tsray-cli-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("install --prefix writes a kernelspec with absolute paths", () => {
    const { status, stdout } = tsray(["install", "--prefix", join(dir, "env")], dir);
    expect(status, stdout).to.equal(0);
    const spec = JSON.parse(readFileSync(join(dir, "env/share/jupyter/kernels/tsray/kernel.json"), "utf8"));
    expect(spec.language).to.equal("typescript");
    expect(spec.argv[0]).to.equal(process.execPath);
    expect(existsSync(spec.argv[1])).to.equal(true);
    expect(spec.argv.slice(2)).to.deep.equal(["kernel", "{connection_file}"]);
  });

  it("install refuses two destinations at once", () => {
    const { status, stderr } = tsray(["install", "--user", "--prefix", dir], dir);
    expect(status).to.equal(2);
    expect(stderr).to.contain("choose one of --user, --sys-prefix and --prefix DIR");
  });

  it("run prints each cell's outputs and writes the executed notebook", () => {
    writeFileSync(join(dir, "ok.ipynb"), notebook(['console.log("printed")', "6 * 7"]));
    const { status, stdout } = tsray(["run", "ok.ipynb", "-o", "out.ipynb"], dir);
    expect(status, stdout).to.equal(0);
    expect(stdout).to.contain("[cell 1/2");
    expect(stdout).to.contain("printed");
    expect(stdout).to.contain("Out[2]: 42");
    const executed = JSON.parse(readFileSync(join(dir, "out.ipynb"), "utf8"));
    expect(executed.cells[1].outputs[0]).to.deep.include({ output_type: "execute_result", execution_count: 2 });
  });

  it("run exits 1 at a failing cell and stops there", () => {
    writeFileSync(join(dir, "bad.ipynb"), notebook(['throw new Error("broken cell")', 'console.log("after")']));
    const { status, stdout } = tsray(["run", "bad.ipynb"], dir);
    expect(status).to.equal(1);
    expect(stdout).to.contain("Error: broken cell");
    expect(stdout).not.to.contain("after\n");
  });

  it("run interrupts a cell that passes --timeout", () => {
    writeFileSync(join(dir, "slow.ipynb"), notebook(["time.sleep(30)"]));
    const started = Date.now();
    const { status, stdout } = tsray(["run", "slow.ipynb", "--timeout", "1"], dir);
    expect(status).to.equal(1);
    expect(stdout).to.contain("KeyboardInterrupt");
    expect(Date.now() - started).to.be.below(20_000);
  });

  it("run says in one line what is wrong with a missing or malformed notebook", () => {
    const missing = tsray(["run", "nope.ipynb"], dir);
    expect(missing.status).to.equal(2);
    expect(missing.stderr.trim()).to.equal("tsray: no such notebook: nope.ipynb");
    writeFileSync(join(dir, "broken.ipynb"), "{ not json");
    const broken = tsray(["run", "broken.ipynb"], dir);
    expect(broken.status).to.equal(2);
    expect(broken.stderr.trim().split("\n")).to.have.length(1);
    expect(broken.stderr).to.contain("broken.ipynb is not a notebook: it is not valid JSON");
  });
});
