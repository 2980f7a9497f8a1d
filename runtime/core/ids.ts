// Ray-shaped identifiers: an ObjectRef prints 28 bytes (56 hex chars), a node 28 bytes.
// A random per-thread prefix plus a counter keeps them unique across the driver and its
// workers (which mint refs for nested tasks) without asking anyone.
import { randomBytes } from "node:crypto";

const prefix = randomBytes(20).toString("hex");
let counter = 0;

/** A new 56-hex-char object id. */
export function newObjectId(): string {
  counter++;
  return prefix + counter.toString(16).padStart(16, "0");
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
