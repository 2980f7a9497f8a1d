// Every function shipped from this thread, by id: a worker names the one a nested task runs
// by its id, having got its code from here. A node agent of a cluster adopts the functions
// the drivers ship to it under ids of its own (each driver counts from 0).
import type { ShippedFunction } from "../core/shipment";

const shippedById = new Map<number, ShippedFunction>();
let nextId = 0;

export function newShippedId(): number {
  return nextId++;
}

export function rememberShipped(shipped: ShippedFunction): void {
  shippedById.set(shipped.id, shipped);
}

/** A function shipped from this thread, by its id. */
export function shippedFunction(id: number): ShippedFunction | undefined {
  return shippedById.get(id);
}
