/** The `tsray` command of this package; a module of its own, so that naming it loads nothing else. */
import { resolve } from "node:path";

export const TSRAY_BIN = resolve(__dirname, "../../bin/tsray.js");
