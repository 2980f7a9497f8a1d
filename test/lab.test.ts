// `tsray lab` / `npm start`: with a Jupyter frontend on PATH it registers the kernel in the
// project and opens the frontend on the lessons; with none, it says how to get one and
// walks through the first code lesson in the terminal, ending well. As root it passes
// --allow-root, without which Jupyter's servers refuse to start.
import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TSRAY_BIN } from "../client/tsray-bin";
import { freePorts } from "../client/free-ports";
import { frontendArguments } from "../cli/lab/frontends";
import { ensureLabBuilt } from "../cli/lab/build";
import { pythonForLab } from "../cli/lab/python";
import { PROJECT, runLesson, failureDetails, failingCells } from "./support/lesson-run";
import { JUPYTER_NOTEBOOK } from "./support/jupyter-server";
import { delay } from "./support/kernel";

const AS_ROOT = process.getuid?.() === 0 ? " --allow-root" : "";

/** No Python that can serve tsray's JupyterLab (see cli/lab/python.ts). */
const NO_LAB_PYTHON = { TSRAY_PYTHON: "/bin/false" };

function lab(path: string, cwd: string) {
  const env = { ...process.env, ...NO_LAB_PYTHON, PATH: path, JUPYTER_PATH: "", JUPYTER_DATA_DIR: join(cwd, "data") };
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
    expect(args).to.equal(`--notebook-dir=${join(PROJECT, "notebooks")} --no-browser${AS_ROOT}`);
    const kernelJson = join(jupyterPath.split(":")[0], "kernels", "tsray", "kernel.json");
    expect(existsSync(kernelJson), kernelJson).to.equal(true);
    expect(JSON.parse(readFileSync(kernelJson, "utf8")).argv).to.include("kernel");
  });

  it("passes --allow-root to the frontend when run as root, and only then", () => {
    const notebooks = join(PROJECT, "notebooks");
    const lessons = `--notebook-dir=${notebooks}`;
    expect(frontendArguments(["jupyter-notebook"], notebooks, {}, 0)).to.deep.equal([lessons, "--allow-root"]);
    expect(frontendArguments(["jupyter", "lab"], notebooks, { browser: false }, 0)).to.deep.equal(["lab", lessons, "--no-browser", "--allow-root"]);
    expect(frontendArguments(["jupyter-lab"], notebooks, { browser: false }, 1000)).to.deep.equal([lessons, "--no-browser"]);
    expect(frontendArguments(["jupyter-lab"], notebooks, {}, undefined)).to.deep.equal([lessons]);
  });

  it("as root, starts Debian's Jupyter Notebook, which then serves the lessons and the kernel", async function () {
    if (process.getuid?.() !== 0 || !existsSync(JUPYTER_NOTEBOOK)) this.skip();
    const [port] = await freePorts(1);
    const token = randomBytes(24).toString("hex");
    const config = join(dir, "config");
    mkdirSync(config);
    const server = { ip: "127.0.0.1", port, port_retries: 0, token, allow_remote_access: false, open_browser: false };
    writeFileSync(join(config, "jupyter_notebook_config.json"), JSON.stringify({ NotebookApp: server }));
    const env = {
      ...process.env,
      ...NO_LAB_PYTHON,
      PATH: `${dirname(JUPYTER_NOTEBOOK)}:${dirname(process.execPath)}`,
      JUPYTER_PATH: "",
      JUPYTER_CONFIG_DIR: config,
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      JUPYTER_PLATFORM_DIRS: "1",
      BROWSER: "true",
    };
    const { started, output } = startLab(dir, env);
    try {
      const api = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `token ${token}` } });
      await untilServing(started, () => api("/api/kernelspecs"), output);
      await expectKernelAndLesson(api, "01-Introduction.ipynb");
    } finally {
      await endGroup(started);
    }
  });

  it("with Debian's jupyter_server and jupyterlab_server and no jupyter-lab, serves tsray's own JupyterLab on the lessons", async function () {
    if (!pythonForLab()) this.skip();
    this.timeout(15 * 60_000);
    await ensureLabBuilt();
    const env = {
      ...process.env,
      PATH: dirname(process.execPath),
      JUPYTER_PATH: "",
      JUPYTER_CONFIG_DIR: join(dir, "lab-config"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      BROWSER: "true",
    };
    const { started, output } = startLab(dir, env);
    try {
      const address = await untilPrinted(started, /Open this address in your browser: (http:\/\/127\.0\.0\.1:(\d+)\/lab\?token=(\w+))/, output);
      const [, url, port, token] = address;
      const api = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { Authorization: `token ${token}` } });
      await untilServing(started, () => api("/api/kernelspecs"), output);
      const page = await (await fetch(url)).text();
      expect(page).to.contain("JupyterLab (tsray)");
      const bundle = /src="([^"]+bundle\.js)"/.exec(page)?.[1];
      expect(bundle, page).to.be.a("string");
      expect((await api(bundle!)).status).to.equal(200);
      await expectKernelAndLesson(api, "02-Task-Parallelism-Part1.ipynb");
      expect((await fetch(`http://127.0.0.1:${port}/api/contents`)).status, "without the token").to.equal(403);
    } finally {
      await endGroup(started);
    }
  });

  it("without a frontend, says how to install one and runs lesson 02 in the terminal, exiting 0", () => {
    const empty = join(dir, "empty-path");
    mkdirSync(empty);
    const result = lab(empty, dir);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain("No JupyterLab or Jupyter Notebook was found on this machine.");
    expect(result.stdout).to.contain("pip install jupyterlab");
    expect(result.stdout).to.contain("apt-get install python3-jupyter-server python3-jupyterlab-server");
    expect(result.stdout).to.match(/Ran \d+ code cells in [\d.]+ s; 1 failed \(an exercise's check fails until you solve it\)/);
    expect(result.stdout).to.contain("Did you run the tasks in parallel?");
  });
});

/** `tsray lab --no-browser` in its own process group, its output collected. */
function startLab(cwd: string, env: NodeJS.ProcessEnv): { started: ChildProcess; output: () => string } {
  const started = spawn(process.execPath, [TSRAY_BIN, "lab", "--no-browser"], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  started.stdout!.on("data", (d) => (output += d));
  started.stderr!.on("data", (d) => (output += d));
  return { started, output: () => output };
}

/** The server lists the tsray kernel and, at its root, the lesson `lesson`. */
async function expectKernelAndLesson(api: (path: string) => Promise<Response>, lesson: string): Promise<void> {
  const specs = (await (await api("/api/kernelspecs")).json()) as { kernelspecs: Record<string, unknown> };
  expect(Object.keys(specs.kernelspecs)).to.include("tsray");
  const lessons = (await (await api("/api/contents")).json()) as { content: { name: string }[] };
  expect(lessons.content.map((file) => file.name)).to.include(lesson);
}

/** Waits until `ask` answers ok; fails with the output if the process ends first. */
async function untilServing(child: ChildProcess, ask: () => Promise<Response>, output: () => string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) throw new Error(`tsray lab exited with ${child.exitCode}: ${output()}`);
    if (await ask().then((response) => response.ok, () => false)) return;
    await delay(100);
  }
  throw new Error(`the notebook server did not answer within 60 s: ${output()}`);
}

/** The match of `pattern` in the output once it is printed; fails if the process ends first. */
async function untilPrinted(child: ChildProcess, pattern: RegExp, output: () => string): Promise<RegExpExecArray> {
  for (let tries = 0; tries < 600; tries++) {
    const found = pattern.exec(output());
    if (found) return found;
    if (child.exitCode !== null) throw new Error(`tsray lab exited with ${child.exitCode}: ${output()}`);
    await delay(100);
  }
  throw new Error(`tsray lab did not print ${pattern} within 60 s: ${output()}`);
}

/** Ends the process group `child` leads (tsray lab and the server it started). */
async function endGroup(child: ChildProcess): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // the group has ended
    }
  };
  signal("SIGTERM");
  for (let tries = 0; tries < 100 && child.exitCode === null && child.signalCode === null; tries++) await delay(100);
  signal("SIGKILL");
}

describe("lesson 01, introduction", function () {
  it("runs every cell without error", async () => {
    const run = await runLesson("notebooks/01-Introduction.ipynb");
    expect(run.reports.length).to.be.greaterThan(0);
    expect(failingCells(run), failureDetails(run)).to.deep.equal([]);
  });
});
