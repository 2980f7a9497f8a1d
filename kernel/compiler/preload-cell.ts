// The names every cell sees, imported by a hidden first cell so that they are typed.
import { resolve } from "node:path";

export function preloadCell(): string {
  const preload = JSON.stringify(resolve(__dirname, "../../preload/index"));
  return `import { ray, time, pnd, pd, assert, display, input, charts } from ${preload};`;
}
