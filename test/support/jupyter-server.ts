// A Jupyter server on a free loopback port -- Debian's Jupyter Notebook 6, or tsray's own
// JupyterLab on Debian's jupyter_server (cli/lab/) -- with the tsray kernel registered in a
// temporary Jupyter path (and temporary data, runtime and config dirs): started in its own
// process group, its kernels shut down and the whole group ended by `stop`.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { freePorts } from "../../client/free-ports";
import { ensureLabBuilt } from "../../cli/lab/build";
import { tsrayLabArguments } from "../../cli/lab/frontends";
import { pythonForLab } from "../../cli/lab/python";

export const JUPYTER_NOTEBOOK = "/usr/bin/jupyter-notebook";
const PROJECT = resolve(__dirname, "../../..");

export interface NotebookServer {
  url: string;
  token: string;
  /** A page's URL with the token. */
  page(path: string): string;
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** How to start one kind of server, given its port and token, and what to set up first. */
interface ServerKind {
  name: string;
  command: string;
  args(port: number, token: string): string[];
  /** Files to write into the config dir (JupyterLab's user settings), by relative path. */
  config?: Record<string, unknown>;
}

export function startNotebookServer(notebookDir = PROJECT): Promise<NotebookServer> {
  return startJupyterServer({
    name: "jupyter-notebook",
    command: JUPYTER_NOTEBOOK,
    args: (port, token) => [
      "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`,
      `--notebook-dir=${notebookDir}`, "--NotebookApp.allow_remote_access=False", ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
  });
}

/** Whether this machine can serve tsray's JupyterLab (Debian's jupyter_server and jupyterlab_server). */
export const canServeTsrayLab = () => pythonForLab() !== undefined;

/**
 * tsray's JupyterLab (built first if it is not yet) on `notebookDir`. Autosave is off, so
 * that the lessons a test runs stay as committed.
 */
export async function startTsrayLab(notebookDir = PROJECT): Promise<NotebookServer> {
  const python = pythonForLab();
  if (!python) throw new Error("no Python here imports jupyter_server and jupyterlab_server");
  const build = await ensureLabBuilt();
  return startJupyterServer({
    name: "tsray's JupyterLab",
    command: python,
    args: (port, token) => tsrayLabArguments(build.serverScript, { notebooks: notebookDir, port, token, browser: false }, process.getuid?.()),
    config: { "lab/user-settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": { autosave: false } },
  });
}

async function startJupyterServer(kind: ServerKind): Promise<NotebookServer> {
  const root = mkdtempSync(join(tmpdir(), "tsray-jupyter-"));
  const installed = spawnSync(process.execPath, [join(PROJECT, "bin", "tsray.js"), "install", "--prefix", root], { encoding: "utf8" });
  if (installed.status !== 0) throw new Error(`tsray install failed: ${installed.stderr}`);
  const [port] = await freePorts(1);
  const token = randomBytes(24).toString("hex");
  const env = {
    ...process.env,
    JUPYTER_PATH: join(root, "share", "jupyter"),
    JUPYTER_DATA_DIR: join(root, "data"),
    JUPYTER_RUNTIME_DIR: join(root, "runtime"),
    JUPYTER_CONFIG_DIR: join(root, "config"),
    JUPYTER_PLATFORM_DIRS: "1",
    BROWSER: "true",
  };
  for (const [file, content] of Object.entries(kind.config ?? {})) {
    const path = join(env.JUPYTER_CONFIG_DIR, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(content));
  }
  const child = spawn(kind.command, kind.args(port, token), { env, cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const api = (path: string, init?: RequestInit) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `token ${token}` } });

  const stop = async () => {
    try {
      if (alive(child)) {
        const sessions = (await (await api("/api/sessions")).json().catch(() => [])) as { id: string }[];
        await Promise.all(sessions.map((s) => api(`/api/sessions/${s.id}`, { method: "DELETE" }).catch(() => {})));
        const kernels = (await (await api("/api/kernels")).json().catch(() => [])) as { id: string }[];
        await Promise.all(kernels.map((k) => api(`/api/kernels/${k.id}`, { method: "DELETE" }).catch(() => {})));
      }
    } catch {
      // already gone
    }
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    for (let i = 0; i < 100 && alive(child); i++) await sleep(100);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group has ended
    }
    rmSync(root, { recursive: true, force: true });
  };

  for (let i = 0; ; i++) {
    if (!alive(child)) {
      rmSync(root, { recursive: true, force: true });
      throw new Error(`${kind.name} exited: ${output}`);
    }
    try {
      const response = await api("/api/kernelspecs");
      if (response.ok) {
        const specs = (await response.json()) as { kernelspecs: Record<string, unknown> };
        if (!specs.kernelspecs.tsray) throw new Error(`the tsray kernel is not registered: ${JSON.stringify(Object.keys(specs.kernelspecs))}`);
        break;
      }
    } catch (error) {
      if ((error as Error).message.startsWith("the tsray kernel")) {
        await stop();
        throw error;
      }
    }
    if (i > 300) {
      await stop();
      throw new Error(`${kind.name} did not answer: ${output}`);
    }
    await sleep(100);
  }
  return { url, token, page: (path) => `${url}/${path}?token=${token}`, log: () => output, stop };
}
