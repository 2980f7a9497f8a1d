// Shipped code in the thread that runs it (any kind of worker): a function's code is
// compiled once per thread and remembered by its id (a task names one already sent by id),
// the data it uses are decoded for each call, and the modules it names are imported again
// from where the driver's code imported them.
import vm from "node:vm";
import { createRequire } from "node:module";
import { decode } from "../core/codec";
import { rebuildShippable } from "../core/shipped-kinds";
import { registerShippedClass } from "../core/classes";
import type { ShippedData, ShippedFunction } from "../core/shipment";
import { shippedFilename } from "./stack";

const functions = new Map<number, { shipped: ShippedFunction; entry?: Function; factory: Function; require: NodeJS.Require }>();

/** A function this thread has compiled, by id (to map its error's stack to the user's lines). */
export function shippedFunctionHere(id: number): ShippedFunction | undefined {
  return functions.get(id)?.shipped;
}

function importer(requireFrom: string) {
  const req = createRequire(requireFrom);
  return (module: { specifier: string; key?: string; star?: boolean }) => {
    const mod = req(module.specifier);
    if (module.key !== undefined) return mod[module.key];
    if (module.star && !mod.__esModule) return { ...mod, default: mod };
    return mod;
  };
}

function dataValue(data: ShippedData): unknown {
  if (data.kind === "value") return decode(data.encoded);
  const shipment = { fn: data.fn, data: data.data };
  return rebuildShippable(shipment, data.options);
}

/** The function a task (or an actor's creation) runs: its code compiled once per thread, its data decoded per call. */
export function functionFor(task: { fn: ShippedFunction | number; data: ShippedData[] }): Function {
  let known = typeof task.fn === "number" ? functions.get(task.fn) : undefined;
  if (!known) {
    const shipped = task.fn as ShippedFunction;
    const factory = vm.runInThisContext(shipped.code, { filename: shippedFilename(shipped.id) });
    known = { shipped, factory, require: createRequire(shipped.requireFrom) };
    functions.set(shipped.id, known);
  }
  if (task.data.length === 0) return (known.entry ??= known.factory([], importer(known.shipped.requireFrom), known.require, registerShippedClass));
  return known.factory(task.data.map(dataValue), importer(known.shipped.requireFrom), known.require, registerShippedClass);
}
