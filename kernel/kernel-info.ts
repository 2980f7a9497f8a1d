import { PROTOCOL_VERSION } from "./protocol/wire";
import { tslabTypeScriptVersion } from "./compiler/tslab-modules";

function packageVersion(): string {
  return (require("../../package.json") as { version: string }).version;
}

export function kernelInfo() {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "tsray",
    implementation_version: packageVersion(),
    language_info: {
      name: "typescript",
      version: tslabTypeScriptVersion(),
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: { name: "javascript", typescript: true },
      pygments_lexer: "typescript",
    },
    banner: `tsray ${packageVersion()}: TypeScript with a Ray-style runtime (ray, time, pnd, pd, assert, display preloaded)`,
    help_links: [
      { text: "tsray README", url: "https://www.npmjs.com/package/tsray" },
      { text: "TypeScript Handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "Node.js API", url: "https://nodejs.org/api/" },
    ],
    debugger: false,
  };
}
