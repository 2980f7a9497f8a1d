// The kernel under real Jupyter clients: the Python tests in test/python run under
// Debian's /usr/bin/python3 with jupyter_client, jupyter_kernel_test, nbclient and
// jupyter_console, against a kernelspec installed into a temporary prefix.
//
// Everything the Python side creates (kernelspec, history, connection files, temporary
// directories) lives under one temporary root, and every process it starts inherits that
// root in its environment, so whatever outlives a test is found by it and killed by pid.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { installKernelSpec } from "../cli/install";

const PYTHON = "/usr/bin/python3";
const REPO = resolve(__dirname, "../..");
const PYTHON_TESTS = join(REPO, "test", "python");
const PYTHON_MODULES = ["jupyter_client", "jupyter_kernel_test", "nbclient", "nbformat", "jupyter_console"];
const DEBIAN_PACKAGES =
  "python3-jupyter-client python3-jupyter-kernel-test python3-nbclient python3-nbformat python3-jupyter-console";
const PYTHON_RUN_LIMIT_MS = 8 * 60 * 1000;

interface PythonRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/** Runs `python3 -m unittest -v <module>` in test/python, in its own process group. */
function runUnittest(module: string, env: NodeJS.ProcessEnv): Promise<PythonRun> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, ["-m", "unittest", "-v", module], {
      cwd: PYTHON_TESTS,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, PYTHON_RUN_LIMIT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, output, timedOut });
    });
  });
}

/** Test ids unittest reported as skipped, subtests included ("test_x" or "test_x (params)"). */
function skippedTests(output: string): string[] {
  const skipped = /^\s*(test_\w+) \([\w.]+\)(?: (\(.*\)))? \.\.\. skipped/gm;
  return [...output.matchAll(skipped)].map(([, name, params]) => (params ? `${name} ${params}` : name));
}

function summary(output: string): string {
  const lines = output.trimEnd().split("\n");
  const ran = lines.filter((line) => /^Ran \d+ tests? in/.test(line)).pop() ?? "(no 'Ran N tests' line)";
  return `${ran}; ${lines[lines.length - 1]}`;
}

/** Processes (other than us) whose command line or environment mentions `marker`. */
function processesMentioning(marker: string): number[] {
  if (!existsSync("/proc")) return [];
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "latin1");
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
      if (cmdline.includes(marker) || environ.includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function killProcesses(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

describe("real Jupyter clients (jupyter_kernel_test, nbclient, jupyter_client, jupyter console)", function () {
  this.timeout(PYTHON_RUN_LIMIT_MS + 60_000);
  let root = "";
  let env: NodeJS.ProcessEnv = {};

  before(function () {
    const probe = spawnSync(PYTHON, ["-c", `import ${PYTHON_MODULES.join(", ")}`], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        `${PYTHON} cannot import ${PYTHON_MODULES.join(", ")}: ` +
          `${probe.error?.message ?? probe.stderr.trim()}\n` +
          `These tests need Debian's Jupyter packages: apt-get install ${DEBIAN_PACKAGES}`
      );
    }
    root = mkdtempSync(join(tmpdir(), "tsray-jupyter-clients-"));
    const prefix = join(root, "prefix");
    const dirs = { data: join(root, "data"), runtime: join(root, "runtime"), config: join(root, "config"), tmp: join(root, "tmp"), ipython: join(root, "ipython") };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    installKernelSpec({ prefix });
    env = {
      ...process.env,
      JUPYTER_PATH: join(prefix, "share", "jupyter"),
      JUPYTER_DATA_DIR: dirs.data, // the kernel's input history lives here
      JUPYTER_RUNTIME_DIR: dirs.runtime, // connection files
      JUPYTER_CONFIG_DIR: dirs.config, // no user config changes what the clients do
      IPYTHONDIR: dirs.ipython,
      TMPDIR: dirs.tmp,
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONNOUSERSITE: "1",
      PYTHONUNBUFFERED: "1",
    };
    delete env.PYTHONPATH;
    delete env.PYTHONHOME;
  });

  after(function () {
    if (!root) return;
    killProcesses(processesMentioning(root));
    rmSync(root, { recursive: true, force: true });
  });

  const modules: { module: string; expectedSkips: string[] }[] = [
    // jupyter_kernel_test's groups, every one with a sample but the pager (tsray has none)
    { module: "test_kernel_protocol", expectedSkips: ["test_pager"] },
    // nbclient, KernelManager (execute_interactive, stdin, interrupt, restart, shutdown),
    // `jupyter kernel` + `jupyter console --existing` + BlockingKernelClient
    { module: "test_nbclient", expectedSkips: [] },
  ];

  for (const { module, expectedSkips } of modules) {
    it(`test/python/${module}.py passes`, async function () {
      const run = await runUnittest(module, env);
      const report = `\n----- ${PYTHON} -m unittest -v ${module} -----\n${run.output}\n-----`;
      if (run.timedOut) expect.fail(`${module} ran longer than ${PYTHON_RUN_LIMIT_MS / 1000} s and was killed${report}`);
      expect(run.code, `${module} failed: ${summary(run.output)}${report}`).to.equal(0);
      expect(skippedTests(run.output), `${module} skipped other tests than expected${report}`).to.deep.equal(expectedSkips);
    });
  }

  it("leaves no kernel processes behind", async function () {
    // kernels get a moment to finish exiting after their clients are gone
    let leftovers = processesMentioning(root);
    for (let waited = 0; leftovers.length > 0 && waited < 10_000; waited += 250) {
      await new Promise((wake) => setTimeout(wake, 250));
      leftovers = processesMentioning(root);
    }
    const described = leftovers.map((pid) => {
      try {
        return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ")}`;
      } catch {
        return `${pid}`;
      }
    });
    killProcesses(leftovers);
    expect(described, "processes started by the Python tests were still running (now killed)").to.deep.equal([]);
  });
});
