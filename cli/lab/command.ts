// `tsray lab` (and `npm start`): register the kernel in a Jupyter path inside the
// project and open the lessons in the first frontend this machine has (./frontends.ts:
// JupyterLab, tsray's own JupyterLab, Notebook 6); with none, say how to get one and run a
// lesson in the terminal instead, so the first command always works.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { freePorts } from "../../client/free-ports";
import { installKernelSpec } from "../install";
import { runNotebookCommand } from "../run";
import { chalk } from "../terminal-output";
import { ensureLabBuilt } from "./build";
import { HOW_TO_GET_ONE, chooseFrontend, frontendArguments, tsrayLabArguments } from "./frontends";

const PROJECT = resolve(__dirname, "../../..");
const NOTEBOOKS = join(PROJECT, "notebooks");
/** The project-local prefix: kernels land in <prefix>/share/jupyter/kernels. */
const LOCAL_PREFIX = join(PROJECT, ".jupyter");
const FIRST_LESSONS = ["02-Task-Parallelism-Part1.ipynb", "01-Introduction.ipynb"];

export interface LabOptions {
  browser?: boolean;
  /** Build tsray's JupyterLab (if it is not built yet) and exit. */
  build?: boolean;
}

function firstLesson(): string {
  const found = FIRST_LESSONS.map((name) => join(NOTEBOOKS, name)).find((path) => existsSync(path));
  if (found) return found;
  const any = readdirSync(NOTEBOOKS).filter((name) => name.endsWith(".ipynb")).sort()[0];
  if (!any) throw new Error(`there are no notebooks in ${NOTEBOOKS}`);
  return join(NOTEBOOKS, any);
}

/** Runs a server in the foreground until it exits (Ctrl-C reaches it too); its exit code becomes ours. */
async function serve(command: string, args: string[]): Promise<void> {
  const jupyterPath = [join(LOCAL_PREFIX, "share", "jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter);
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, JUPYTER_PATH: jupyterPath } });
  await new Promise<void>((done) => child.on("exit", (code) => ((process.exitCode = code ?? 0), done())));
}

async function openTsrayLab(python: string, options: LabOptions): Promise<void> {
  const build = await ensureLabBuilt((line) => console.log(chalk.dim(`tsray: ${line}`)));
  const [port] = await freePorts(1);
  const token = randomBytes(24).toString("hex");
  const args = tsrayLabArguments(build.serverScript, { notebooks: NOTEBOOKS, port, token, browser: options.browser }, process.getuid?.());
  console.log(chalk.green(`Opening tsray's JupyterLab on ${NOTEBOOKS} with the tsray kernel (Ctrl-C to stop).`));
  console.log(`Open this address in your browser: ${chalk.bold(`http://127.0.0.1:${port}/lab?token=${token}`)}`);
  await serve(python, args);
}

function runInTerminal(): Promise<void> {
  console.log(chalk.yellow("No JupyterLab or Jupyter Notebook was found on this machine."));
  console.log("To open the lessons in a browser, get one of them, for example:");
  for (const line of HOW_TO_GET_ONE) console.log(line);
  console.log("then run `npm start` again. Meanwhile, here is the first lesson run in this terminal:\n");
  return runNotebookCommand(firstLesson(), { keepGoing: true });
}

export async function labCommand(options: LabOptions): Promise<void> {
  if (options.build) {
    const build = await ensureLabBuilt((line) => console.log(`tsray: ${line}`));
    return void console.log(`tsray's JupyterLab is built in ${build.folder}`);
  }
  installKernelSpec({ prefix: LOCAL_PREFIX });
  let frontend = chooseFrontend();
  if (frontend.kind === "tsray-lab") {
    try {
      return await openTsrayLab(frontend.python, options);
    } catch (error) {
      console.error(chalk.red(`tsray: could not build its JupyterLab: ${error instanceof Error ? error.message : String(error)}`));
      console.error("tsray: trying the next frontend; `tsray lab --build` tries the build again.");
      frontend = chooseFrontend({ withoutTsrayLab: true });
    }
  }
  if (frontend.kind === "none" || frontend.kind === "tsray-lab") return runInTerminal();
  console.log(chalk.green(`Opening ${frontend.command.join(" ")} on ${NOTEBOOKS} with the tsray kernel (Ctrl-C to stop).`));
  await serve(frontend.command[0], frontendArguments(frontend.command, NOTEBOOKS, options, process.getuid?.()));
}
