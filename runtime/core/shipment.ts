// What travels to a worker to run a function there (made by shipping/ship.ts): its code,
// wrapped so that the data it uses are passed in, and those data: copies of values, and
// other remote functions as shipments of their own (they may refer to one another).
import { Encoded, refIdsIn, SHIP } from "./codec";

/** Maps lines of the shipped code back to where they were written. */
export interface Segment {
  startLine: number;
  lineCount: number;
  url: string;
  line: number;
  column: number;
  /** Characters the shipped code puts before the source on its first line. */
  prefix: number;
}

export interface ShippedFunction {
  id: number;
  name: string;
  /** `(function (__tsray_data, __tsray_import, require, __tsray_class) { ...; return <fn>; })` */
  code: string;
  requireFrom: string;
  segments: Segment[];
}

export type RemoteData = { kind: "remote"; fn: ShippedFunction; data: ShippedData[]; options: unknown };
export type ShippedData = { kind: "value"; encoded: Encoded } | RemoteData;

export interface Shipment {
  fn: ShippedFunction;
  data: ShippedData[];
}

/** Implemented by remote functions and actor classes: how to send them along (as data a task uses, or in a value: codec.ts). */
export interface Shippable {
  [SHIP](): { shipment: Shipment; options: unknown };
}

/** Calls `visit` once for the shipment and for each remote function in its data, however deep (they may refer to one another). */
export function forEachShipment(shipment: Shipment, visit: (shipment: Shipment) => void, seen?: Set<ShippedData[]>): void {
  visit(shipment);
  for (const item of shipment.data) {
    if (item.kind !== "remote") continue;
    seen ??= new Set([shipment.data]);
    if (seen.has(item.data)) continue;
    seen.add(item.data);
    forEachShipment(item, visit, seen);
  }
}

/** The refs in values a shipped function (or a remote function it uses) captured. */
export function capturedRefIds(shipment: Shipment): string[] {
  const ids: string[] = [];
  forEachShipment(shipment, ({ data }) => {
    for (const item of data) if (item.kind === "value" && item.encoded.hasRefs) ids.push(...refIdsIn(item.encoded));
  });
  return ids;
}
