// The names every cell sees without an import (API.md section 1).
import assert from "node:assert";
export { assert };
export { time } from "./time";
export { pnd, pd } from "./format";
export { display, DisplayHandle } from "./display";
export { MIME_BUNDLE, MimeBundle } from "./mime";
export { input } from "./input";
import * as ray from "../runtime";
export { ray };
export { charts } from "../charts";
