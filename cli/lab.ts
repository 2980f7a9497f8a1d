// `tsray lab` (and `npm start`): register the kernel in a Jupyter path inside the
// project and open JupyterLab or Notebook on the lessons; with neither installed, say
// how to get one and run a lesson in the terminal instead, so the first command works.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { installKernelSpec } from "./install";
import { runNotebookCommand } from "./run";
import { chalk } from "./terminal-output";

const PROJECT = resolve(__dirname, "../..");
const NOTEBOOKS = join(PROJECT, "notebooks");
/** The project-local prefix: kernels land in <prefix>/share/jupyter/kernels. */
const LOCAL_PREFIX = join(PROJECT, ".jupyter");
const FIRST_LESSONS = ["02-Task-Parallelism-Part1.ipynb", "01-Introduction.ipynb"];

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** JupyterLab if present, else classic Notebook; `jupyter lab` may exist without its server. */
function findFrontend(): string[] | null {
  if (onPath("jupyter-lab")) return ["jupyter-lab"];
  if (onPath("jupyter-notebook")) return ["jupyter-notebook"];
  if (onPath("jupyter") && spawnSync("jupyter", ["lab", "--version"], { stdio: "ignore" }).status === 0) return ["jupyter", "lab"];
  return null;
}

/**
 * The frontend's arguments after its command, for the user `uid` (none on Windows). As
 * root (a container, often) Jupyter's servers refuse to start without --allow-root
 * (Notebook: "Running as root is not recommended", exit 1); JupyterLab and Notebook 6
 * and 7 all accept it.
 */
export function frontendArguments(frontend: string[], options: { browser?: boolean }, uid: number | undefined): string[] {
  return [
    ...frontend.slice(1),
    `--notebook-dir=${NOTEBOOKS}`,
    ...(options.browser === false ? ["--no-browser"] : []),
    ...(uid === 0 ? ["--allow-root"] : []),
  ];
}

function firstLesson(): string {
  const found = FIRST_LESSONS.map((name) => join(NOTEBOOKS, name)).find((path) => existsSync(path));
  if (found) return found;
  const any = readdirSync(NOTEBOOKS).filter((name) => name.endsWith(".ipynb")).sort()[0];
  if (!any) throw new Error(`there are no notebooks in ${NOTEBOOKS}`);
  return join(NOTEBOOKS, any);
}

export async function labCommand(options: { browser?: boolean }): Promise<void> {
  installKernelSpec({ prefix: LOCAL_PREFIX });
  const jupyterPath = [join(LOCAL_PREFIX, "share", "jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter);
  const frontend = findFrontend();
  if (!frontend) {
    console.log(chalk.yellow("No JupyterLab or Jupyter Notebook was found on PATH."));
    console.log("To open the lessons in a browser, install one, for example:");
    console.log("  pip install jupyterlab            (or: apt-get install jupyter-notebook)");
    console.log("then run `npm start` again. Meanwhile, here is the first lesson run in this terminal:\n");
    return runNotebookCommand(firstLesson(), { keepGoing: true });
  }
  const args = frontendArguments(frontend, options, process.getuid?.());
  console.log(chalk.green(`Opening ${frontend.join(" ")} on ${NOTEBOOKS} with the tsray kernel (Ctrl-C to stop).`));
  const child = spawn(frontend[0], args, { stdio: "inherit", env: { ...process.env, JUPYTER_PATH: jupyterPath } });
  await new Promise<void>((done) => child.on("exit", (code) => ((process.exitCode = code ?? 0), done())));
}
