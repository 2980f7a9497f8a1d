// The executor compiles TypeScript's own source in one-byte characters (inOneByteCharacters
// in kernel/compiler/load-typescript.ts): the same program, at half the heap V8 keeps it in.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { inOneByteCharacters } from "../kernel/compiler/load-typescript";
import { tslabTypeScriptFile } from "../kernel/compiler/tslab-modules";

const ABOVE_ONE_BYTE = /[^\u0000-\u00ff]/;

describe("kernel: TypeScript's source in one-byte characters", () => {
  it("means the same in strings, regular expressions, identifiers and comments", () => {
    const source = "// it’s → here\nconst naïveΩ = 'don’t 🙂 ';\n[naïveΩ, /→+/.test('→→'), `a’b`.length, naïveΩ.length]";
    const escaped = inOneByteCharacters(source);
    expect(escaped).not.to.match(ABOVE_ONE_BYTE);
    expect(escaped).to.contain("na\u00efve"); // Latin-1 stays as it is
    expect(runInNewContext(escaped)).to.deep.equal(runInNewContext(source));
  });

  it("leaves no character above U+00FF in tslab's typescript.js", () => {
    const text = readFileSync(tslabTypeScriptFile(), "utf8");
    expect(text, "the file has some to escape (else this test checks nothing)").to.match(ABOVE_ONE_BYTE);
    expect(inOneByteCharacters(text)).not.to.match(ABOVE_ONE_BYTE);
  });
});
