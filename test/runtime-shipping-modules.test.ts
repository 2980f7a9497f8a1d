// Values that came from a module are sent to workers as the module to import again, not as
// copies: the runtime recognises them by the modules loaded so far (runtime/shipping/modules.ts).
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as path from "node:path";
import { moduleSourceOf } from "../runtime/shipping/modules";

describe("runtime: values recognised as coming from a module", function () {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "tsray-modules-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("knows builtins' exports, and modules loaded after its first look, without reading getters", () => {
    expect(moduleSourceOf(path.join)).to.deep.equal({ specifier: "node:path", key: "join" });
    expect(moduleSourceOf(function local() {})).to.equal(undefined);
    const file = join(dir, "late.js");
    writeFileSync(
      file,
      "exports.scale = (x) => 2 * x;\nexports.settings = { factor: 2 };\nexports.reads = 0;\n" +
        "Object.defineProperty(exports, 'argv', { enumerable: true, get() { exports.reads++; return {}; } });\n"
    );
    const late = require(file) as { scale: Function; settings: object; reads: number };
    expect(moduleSourceOf(late)).to.deep.equal({ specifier: file });
    expect(moduleSourceOf(late.scale)).to.deep.equal({ specifier: file, key: "scale" });
    expect(moduleSourceOf(late.settings)).to.deep.equal({ specifier: file, key: "settings" });
    expect(late.reads, "reads of the getter").to.equal(0);
  });
});
