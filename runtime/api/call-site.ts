// The file of the code that called into the ray API (the first stack frame outside the
// runtime): where a function given to `ray.remote` is most likely defined, so that shipping
// reads its source from that file instead of asking the debugger (shipping/locate.ts).
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";

const RUNTIME_FOLDER = dirname(__dirname) + sep;

export function callerFile(): string | undefined {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 10;
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    for (const site of sites) {
      const file = site.getFileName();
      if (file && !file.startsWith(RUNTIME_FOLDER) && !file.startsWith("node:")) return file.startsWith("file:") ? fileURLToPath(file) : file;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
