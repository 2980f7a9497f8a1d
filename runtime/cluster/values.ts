// Objects as Redis stores them: a value (encoded as the local backend encodes it: core/
// codec.ts) or a failure, in V8's binary serialization, so that typed arrays travel as
// bytes and Maps, Sets, Dates stay what they are. One size limit for every object.
import { deserialize, serialize } from "node:v8";
import type { Encoded } from "../core/codec";
import type { ThrownInfo } from "../core/errors";

/** The largest object a cluster stores (Redis's own limit for a value is 512 MB). */
export const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

/** How a task failed, as it travels: a task error (with what the task threw), or one of Ray's own (a crash, a cancel). */
export type Failure = { kind: "task"; info: ThrownInfo } | { kind: "system"; name: string; message: string };

export type StoredObject = { value: Encoded } | { failure: Failure };

export class ObjectTooLargeError extends RangeError {}

/** `what`: "the value given to put", "the result of ray::f()"... */
export function storedBytes(object: StoredObject, what: string): Buffer {
  const bytes = serialize(object);
  if (bytes.length > MAX_OBJECT_BYTES) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
    throw new ObjectTooLargeError(
      `${what} is ${mb(bytes.length)}, over the cluster's limit of ${mb(MAX_OBJECT_BYTES)} per object: split it into smaller objects (several puts or returns)`
    );
  }
  return bytes;
}

export function storedObject(bytes: Buffer): StoredObject {
  return deserialize(bytes) as StoredObject;
}
