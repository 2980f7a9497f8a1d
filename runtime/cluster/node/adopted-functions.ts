// Functions drivers ship to this node, under ids of the node's own. Each driver numbers its
// functions from 0, and the node's worker threads keep the code of an id they have run:
// without new ids, a driver started after another (a restarted kernel) would run the
// other's function 3 as its own. The node's local backend also looks nested submissions'
// functions up by id (shipping/shipped-registry.ts): adopted ones are registered there.
import { newShippedId, rememberShipped } from "../../shipping/shipped-registry";
import type { ShippedFunction } from "../../core/shipment";
import type { JobPayload } from "../wire";

function isShippedFunction(value: Record<string, unknown>): value is ShippedFunction & Record<string, unknown> {
  return typeof value.id === "number" && typeof value.code === "string" && typeof value.requireFrom === "string" && Array.isArray(value.segments);
}

export class AdoptedFunctions {
  private readonly localIds = new Map<string, number>();

  /**
   * Gives every shipped function of a batch's jobs (their shipments', and those of remote
   * functions among their arguments) the node's id for it, once: the jobs of a batch share
   * the objects they shared in the driver. Only arguments with markers can hold one (the
   * codec marks remote functions as it marks refs): plain data is not walked, job after job.
   */
  adopt(payloads: JobPayload[]): void {
    const seen = new Set<object>();
    for (const payload of payloads) {
      if ("shipment" in payload) this.visit(payload.driverId, payload.shipment, seen);
      for (const slot of payload.args) if ("value" in slot && slot.value.hasRefs) this.visit(payload.driverId, slot.value, seen);
    }
  }

  private visit(driverId: string, value: unknown, seen: Set<object>): void {
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || seen.has(value)) return;
    seen.add(value);
    if (value instanceof Map) return value.forEach((item) => this.visit(driverId, item, seen));
    if (value instanceof Set) return value.forEach((item) => this.visit(driverId, item, seen));
    const record = value as Record<string, unknown>;
    if (isShippedFunction(record)) this.renumber(driverId, record);
    for (const key of Object.keys(record)) this.visit(driverId, record[key], seen);
  }

  private renumber(driverId: string, fn: ShippedFunction): void {
    const key = `${driverId}:${fn.id}`;
    let id = this.localIds.get(key);
    if (id === undefined) this.localIds.set(key, (id = newShippedId()));
    fn.id = id;
    rememberShipped(fn);
  }
}
