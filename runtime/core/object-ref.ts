// The future a task or `put` returns. It prints as Ray's does, `ObjectRef(<56 hex>)`, in
// cell results (util.inspect) and in console.log.
import { inspect } from "node:util";

/**
 * Told of every ObjectRef made in this thread: the driver counts them per id to free objects
 * no ref points to any more (see local/ref-counts.ts). Unset in workers, which count nothing.
 */
let onCreate: ((ref: ObjectRef) => void) | undefined;

export function trackObjectRefs(hook: ((ref: ObjectRef) => void) | undefined): void {
  onCreate = hook;
}

export class ObjectRef<T = unknown> {
  /** Never set: carries T for the type checker (`get` returns T). */
  declare readonly __type?: T;
  constructor(readonly id: string) {
    onCreate?.(this);
  }

  hex(): string {
    return this.id;
  }

  toString(): string {
    return `ObjectRef(${this.id})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function isObjectRef(value: unknown): value is ObjectRef {
  return value instanceof ObjectRef;
}
