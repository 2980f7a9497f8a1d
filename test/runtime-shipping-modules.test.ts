// Values that came from a module are sent to workers as the module to import again, not as
// copies: the runtime recognises them by the modules loaded so far, and loads none itself
// (runtime/shipping/modules.ts).
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
    const loaded = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
    const hadDomain = loaded().includes("NativeModule domain");
    expect(moduleSourceOf(path.join)).to.deep.equal({ specifier: "node:path", key: "join" });
    expect(moduleSourceOf(function local() {})).to.equal(undefined);
    expect(loaded().includes("NativeModule domain"), "domain loaded by the lookups").to.equal(hadDomain);
    const dgram = require("node:dgram") as typeof import("node:dgram");
    expect(moduleSourceOf(dgram.createSocket)).to.deep.equal({ specifier: "node:dgram", key: "createSocket" });
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
