// display() and input() inside the kernel: display goes out as the cell's outputs,
// input asks the frontend through the kernel's stdin channel.
import { setDisplaySink } from "../../preload/display";
import { setInputSource } from "../../preload/input";
import { currentCell, emitOutput } from "./cell-context";
import { sendToKernel } from "./to-kernel";

export function installDisplaySink(): void {
  setDisplaySink({
    show: (data, displayId) =>
      emitOutput({ msg_type: "display_data", content: { data, metadata: {}, transient: { display_id: displayId } } }),
    update: (data, displayId) =>
      emitOutput({ msg_type: "update_display_data", content: { data, metadata: {}, transient: { display_id: displayId } } }),
    clear: (wait) => emitOutput({ msg_type: "clear_output", content: { wait } }),
  });
}

const pendingInputs = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
let nextInputId = 1;

export function installInputSource(): void {
  setInputSource(
    (prompt, password) =>
      new Promise((resolve, reject) => {
        const id = nextInputId++;
        pendingInputs.set(id, { resolve, reject });
        sendToKernel({ kind: "input_request", id, cell: currentCell(), prompt, password });
      })
  );
}

export function resolveInput(reply: { id: number; value?: string; error?: string }): void {
  const pending = pendingInputs.get(reply.id);
  if (!pending) return;
  pendingInputs.delete(reply.id);
  if (reply.error !== undefined) pending.reject(Object.assign(new Error(reply.error), { name: "StdinNotImplementedError" }));
  else pending.resolve(reply.value ?? "");
}
