// What the ray-suite tests (Ray's own test cases, written against tsray) share: a fresh
// runtime per suite, restarted after a test that leaves it busy, and checks of how a call fails.
import * as ray from "../../runtime";

const QUIET = { dashboard: false, logToDriver: false } as const;

let restartAfterTest = false;

/**
 * One runtime for the calling suite, as Ray's ray_start_* fixtures give; a test that failed,
 * left CPUs held (actors alive, tasks running) or asked for other options by `restartRay`
 * gets a fresh one after it, so that no test inherits another's leftovers. (A fresh runtime
 * per test would be simpler, but a worker thread's first start costs about a second here.)
 */
export function rayForSuite(options: ray.InitOptions = {}): void {
  const start = () => ray.init({ numCpus: 2, ...QUIET, ...options });
  before(start);
  afterEach(async function () {
    const idle = ray.isInitialized() && ray.availableResources().CPU === ray.clusterResources().CPU;
    if (this.currentTest?.state === "passed" && idle && !restartAfterTest) return;
    restartAfterTest = false;
    await ray.shutdown();
    start();
  });
  after(() => ray.shutdown());
}

/** Within a test: a runtime with these options instead of the suite's (until the test ends). */
export async function restartRay(options: ray.InitOptions): Promise<void> {
  restartAfterTest = true;
  await ray.shutdown();
  ray.init({ ...QUIET, ...options });
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
