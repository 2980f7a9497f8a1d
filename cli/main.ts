// The `tsray` command line (API.md section 5).
// Each command loads its modules only when it runs: the kernel must not wait for the
// notebook runner, and `tsray install` needs neither ZeroMQ nor TypeScript.
import { Command } from "commander";

function fail(error: unknown): never {
  console.error(`tsray: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

export function main(argv: string[]): void {
  const program = new Command("tsray").description("TypeScript Jupyter kernel with a Ray-style runtime");
  program
    .command("install")
    .description("register the tsray kernel with Jupyter (writes a kernelspec; needs no Python)")
    .option("--user", "install for the current user (the default)")
    .option("--sys-prefix", "install into the prefix of the Jupyter found on PATH (a virtualenv or conda env)")
    .option("--prefix <dir>", "install into <dir>/share/jupyter/kernels")
    .option("--name <name>", "the kernel's name", "tsray")
    .action((opts) =>
      import("./install")
        .then(({ installKernelSpec }) => console.log(`Installed the tsray kernelspec in ${installKernelSpec(opts)}`))
        .catch(fail)
    );
  program
    .command("kernel")
    .description("run the kernel (Jupyter starts this)")
    .argument("<connection_file>", "the connection file Jupyter wrote")
    .action((file: string) => import("../kernel/main").then(({ runKernel }) => runKernel(file)).catch(fail));
  program
    .command("run")
    .description("run a notebook cell by cell and print the outputs")
    .argument("<notebook>", "the .ipynb file")
    .option("-o, --output <file>", "write the executed notebook here")
    .option("--timeout <seconds>", "interrupt a cell that runs longer than this", parseFloat)
    .action((notebook: string, opts) =>
      import("./run").then(({ runNotebookCommand }) => runNotebookCommand(notebook, opts)).catch(fail)
    );
  program
    .command("grade")
    .description("grade submissions against their lesson's checks, in fresh kernels, and report each exercise: its points, passed, or why not")
    .argument("<submissions...>", "the students' .ipynb files")
    .option("--source <lesson.ipynb>", "the lesson whose checks grade them (default: the lesson in notebooks/ with the submission's name)")
    .option("--jobs <n>", "grade this many submissions at once, each in its own kernel (default: half the CPUs, at least 1)", parseFloat)
    .option("--timeout <seconds>", "interrupt a cell that runs longer than this (default 300)", parseFloat)
    .option("--notebook-timeout <seconds>", "stop a submission's run after this long; its later cells do not run (default 1800)", parseFloat)
    .option("--memory <MB>", "restart the kernel of a submission whose cells hold more memory than this (default 2048)", parseFloat)
    .option("--json", "print one object per submission for programs")
    .option("--gradebook <file.csv>", "write a CSV: a row per submission, a column per exercise")
    .option("--gradescope <dir>", "write Gradescope's results.json for the one submission into <dir>")
    .option("--feedback <dir>", "write each submission as graded, with outputs and results, as a notebook into <dir>")
    .action((submissions: string[], opts) =>
      import("./grade").then(({ gradeCommand }) => gradeCommand(submissions, opts)).catch(fail)
    );
  program
    .command("lab")
    .description("open the lessons in JupyterLab or Notebook with the tsray kernel (or run the first in the terminal)")
    .option("--no-browser", "start the server without opening a browser")
    .option("--build", "build tsray's own JupyterLab now (if it is not built yet) and exit")
    .addHelpText(
      "after",
      `
Where the lessons open, the first that this machine has:
  1. JupyterLab: a jupyter-lab on PATH (pip install jupyterlab, in a virtual environment)
  2. tsray's own JupyterLab, when /usr/bin/python3 (or TSRAY_PYTHON, or the python3 on PATH)
     has jupyter_server and jupyterlab_server (apt-get install python3-jupyter-server
     python3-jupyterlab-server); built on first use into ~/.cache/tsray (about a minute
     or two, once; TSRAY_CACHE_DIR puts it elsewhere), then reused
  3. Notebook 6: a jupyter-notebook on PATH (apt-get install jupyter-notebook)
  4. none of them: the first lesson runs in this terminal`
    )
    .action((opts) => import("./lab/command").then(({ labCommand }) => labCommand(opts)).catch(fail));
  program
    .command("start")
    .description("start a cluster on this machine (--head: its Redis and a node), or a node that joins one (--address)")
    .option("--head", "start the head: a Redis server with a fresh password, and a node")
    .option("--address <url>", "join the cluster at redis://:PASSWORD@HOST:PORT, as `tsray start --head` printed it (default: TSRAY_ADDRESS)")
    .option("--port <port>", "the head's Redis port (default 6379)")
    .option("--bind <addr>", "the address the head's Redis listens on (default 127.0.0.1; 0.0.0.0 for other machines)")
    .option("--num-cpus <n>", "the CPUs this node offers (default: this machine's)")
    .option("--resources <json>", 'other resources this node offers, as JSON: \'{"GPU": 1}\'')
    .action((opts) => import("./start").then(({ startCommand }) => startCommand(opts)).catch(fail));
  program
    .command("status")
    .description("list the cluster's nodes and their resources")
    .option("--address <url>", 'the cluster (default: TSRAY_ADDRESS, or "auto": the one started on this machine)')
    .action((opts) => import("./status").then(({ statusCommand }) => statusCommand(opts)).catch(fail));
  program
    .command("stop")
    .description("stop what `tsray start` started on this machine")
    .action(() => import("./stop").then(({ stopCommand }) => stopCommand()).catch(fail));
  program.parseAsync(argv).catch(fail);
}
