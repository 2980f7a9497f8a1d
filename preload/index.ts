// The names every cell sees without an import (API.md section 1). Loading them also gives
// the runtime the cell's progress bar for a long ray.get (the runtime imports no preload).
import assert from "node:assert";
export { assert };
export { time } from "./time";
export { pnd, pd } from "./format";
export { display, DisplayHandle } from "./display";
export { MIME_BUNDLE, MimeBundle } from "./mime";
export { input } from "./input";
import * as ray from "../runtime";
import { setProgressSink } from "../runtime/api/progress";
import { cellProgress } from "./get-progress";
export { ray };
export { charts } from "./charts";

setProgressSink(cellProgress);
