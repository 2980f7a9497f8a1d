// The `tsray` command line (API.md section 5).
import { Command } from "commander";
import { runKernel } from "../kernel/main";
import { installKernelSpec } from "./install";
import { runNotebookCommand } from "./run";
import { labCommand } from "./lab";

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
    .action((opts) => {
      try {
        const dir = installKernelSpec(opts);
        console.log(`Installed the tsray kernelspec in ${dir}`);
      } catch (error) {
        fail(error);
      }
    });
  program
    .command("kernel")
    .description("run the kernel (Jupyter starts this)")
    .argument("<connection_file>", "the connection file Jupyter wrote")
    .action((file: string) => runKernel(file).catch(fail));
  program
    .command("run")
    .description("run a notebook cell by cell and print the outputs")
    .argument("<notebook>", "the .ipynb file")
    .option("-o, --output <file>", "write the executed notebook here")
    .option("--timeout <seconds>", "interrupt a cell that runs longer than this", parseFloat)
    .action((notebook: string, opts) => runNotebookCommand(notebook, opts).catch(fail));
  program
    .command("lab")
    .description("open the lessons in JupyterLab or Notebook with the tsray kernel (or run the first in the terminal)")
    .option("--no-browser", "start the server without opening a browser")
    .action((opts) => labCommand(opts).catch(fail));
  program.parseAsync(argv).catch(fail);
}
