// What the ray-suite tests (Ray's own test cases, written against tsray) share: a fresh
// runtime per test, as Ray's ray_start_* fixtures give, and checks of how a call fails.
import { expect } from "chai";
import * as ray from "../../runtime";

/** Every test of the calling suite gets its own runtime (init before, shutdown after). */
export function freshRayPerTest(options: ray.InitOptions = {}): void {
  beforeEach(() => {
    ray.init({ numCpus: 2, dashboard: false, logToDriver: false, ...options });
  });
  afterEach(() => ray.shutdown());
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail("resolved, expected a rejection");
}

/** The error a call throws; fails the test if it returns. */
export function thrownBy(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return expect.fail("returned, expected it to throw");
}

/** Whether the ref's object is ready now (ray.wait with timeout 0). */
export async function isReady(ref: ray.ObjectRef): Promise<boolean> {
  const [ready] = await ray.wait([ref], { timeout: 0 });
  return ready.length === 1;
}

/** Polls `condition` every 20 ms for up to `seconds`: Ray's wait_for_condition. */
export async function waitForCondition(condition: () => boolean, seconds = 5): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
