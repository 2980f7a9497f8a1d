// Renders a Vega-Lite spec to SVG in Node, so a chart is also a picture in notebooks
// viewed where no Vega renderer runs (GitHub, nbconvert, terminals).
import { pathToFileURL } from "node:url";

// vega and vega-lite are ES modules with top-level await, which `require` cannot load;
// TypeScript would compile `import()` into `require` for our CommonJS output, so the
// dynamic import is written where the compiler does not rewrite it.
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<any>;

let modules: Promise<{ vega: any; vegaLite: any }> | undefined;

function loadVega() {
  modules ??= Promise.all([
    importModule(pathToFileURL(require.resolve("vega")).href),
    importModule(pathToFileURL(require.resolve("vega-lite")).href),
  ]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return modules;
}

export async function renderSvg(spec: object): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
