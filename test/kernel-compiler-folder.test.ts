// The compiler patches (kernel/compiler/) are a layer under the executor process
// (kernel/executor/): the executor uses them, they use nothing of it, nor of the rest of
// the kernel, so that they can be read, tested and replaced on their own.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { tslabTypeScript } from "../kernel/compiler/tslab-modules";

const KERNEL = resolve(__dirname, "../../kernel");
const COMPILER = join(KERNEL, "compiler");

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name));
}

/** The files of the project a source file imports (by relative specifier), relative to kernel/. */
function projectImportsOf(file: string): string[] {
  const { importedFiles } = tslabTypeScript().preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => relative(KERNEL, resolve(dirname(file), specifier)));
}

describe("kernel: the compiler patches in their own folder", function () {
  it("imports nothing from outside kernel/compiler/ (the executor uses the compiler, never the reverse)", () => {
    const outside = sourcesUnder(COMPILER).flatMap((file) =>
      projectImportsOf(file)
        .filter((imported) => !imported.startsWith("compiler/"))
        .map((imported) => `${relative(KERNEL, file)} imports ${imported}`)
    );
    expect(sourcesUnder(COMPILER)).to.not.be.empty;
    expect(outside).to.deep.equal([]);
  });
});
