// Which frontend `tsray lab` opens the lessons in, in this order (API.md section 5):
// 1. a JupyterLab on PATH (`jupyter-lab`, or `jupyter lab` that answers);
// 2. tsray's own JupyterLab (./build.ts), when a Python can import jupyter_server and
//    jupyterlab_server (./python.ts): what Debian and Ubuntu offer, where `pip install
//    jupyterlab` is refused outside a virtual environment (PEP 668);
// 3. Notebook 6 (`jupyter-notebook`);
// 4. none: the first lesson runs in the terminal.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pythonForLab } from "./python";

export type Frontend =
  | { kind: "jupyterlab"; command: string[] }
  | { kind: "tsray-lab"; python: string }
  | { kind: "notebook"; command: string[] }
  | { kind: "none" };

export const HOW_TO_GET_ONE = [
  "  apt-get install python3-jupyter-server python3-jupyterlab-server   (tsray then builds its own JupyterLab)",
  "  pip install jupyterlab                                             (in a virtual environment)",
  "  apt-get install jupyter-notebook                                   (Notebook 6)",
];

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** `jupyter lab` may be on PATH as a subcommand whose server is missing: ask it. */
function jupyterLabCommand(): string[] | undefined {
  if (onPath("jupyter-lab")) return ["jupyter-lab"];
  if (onPath("jupyter") && spawnSync("jupyter", ["lab", "--version"], { stdio: "ignore" }).status === 0) return ["jupyter", "lab"];
  return undefined;
}

/** The first frontend there is; `withoutTsrayLab` after tsray's JupyterLab failed to build. */
export function chooseFrontend(options: { withoutTsrayLab?: boolean } = {}): Frontend {
  const jupyterLab = jupyterLabCommand();
  if (jupyterLab) return { kind: "jupyterlab", command: jupyterLab };
  const python = options.withoutTsrayLab ? undefined : pythonForLab();
  if (python) return { kind: "tsray-lab", python };
  if (onPath("jupyter-notebook")) return { kind: "notebook", command: ["jupyter-notebook"] };
  return { kind: "none" };
}

/**
 * A Jupyter server's arguments after its command, for the user `uid` (none on Windows). As
 * root (a container, often) Jupyter's servers refuse to start without --allow-root
 * (Notebook: "Running as root is not recommended", exit 1); JupyterLab, Notebook 6 and 7
 * and jupyter_server all accept it.
 */
export function frontendArguments(frontend: string[], notebooks: string, options: { browser?: boolean }, uid: number | undefined): string[] {
  return [
    ...frontend.slice(1),
    `--notebook-dir=${notebooks}`,
    ...(options.browser === false ? ["--no-browser"] : []),
    ...(uid === 0 ? ["--allow-root"] : []),
  ];
}

export interface LabServerOptions {
  notebooks: string;
  port: number;
  token: string;
  browser?: boolean;
}

/** jupyter_server's options for tsray's JupyterLab: loopback only, our token and port. */
export function tsrayLabArguments(serverScript: string, options: LabServerOptions, uid: number | undefined): string[] {
  return [
    serverScript,
    `--ServerApp.root_dir=${options.notebooks}`,
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${options.port}`,
    "--ServerApp.port_retries=0",
    `--ServerApp.token=${options.token}`,
    `--ServerApp.open_browser=${options.browser === false ? "False" : "True"}`,
    ...(uid === 0 ? ["--allow-root"] : []),
  ];
}
