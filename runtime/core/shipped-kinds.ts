// How remote functions, actor classes and actor handles are rebuilt when they arrive (in a
// value the codec decodes, or in a task's data): the API makes them (api/actor.ts tells
// this module how, when it loads), and the codec and the workers sit below the API, so they
// ask here instead of importing it.
/** What the API gives to rebuild them. */
export interface ShippedKinds {
  shippable(shipment: never, options: unknown): unknown;
  handle(descriptor: never): unknown;
}

let kinds: ShippedKinds | undefined;

export function setShippedKinds(next: ShippedKinds): void {
  kinds = next;
}

function shippedKinds(): ShippedKinds {
  if (!kinds) throw new Error("tsray: a remote function or actor handle arrived before the ray API was loaded (import tsray first)");
  return kinds;
}

/** A remote function or actor class that arrived as a shipment (a task's data, or inside a value). */
export function rebuildShippable(shipment: unknown, options: unknown): unknown {
  return shippedKinds().shippable(shipment as never, options);
}

/** An actor handle that arrived inside a value. */
export function rebuildHandle(descriptor: unknown): unknown {
  return shippedKinds().handle(descriptor as never);
}
