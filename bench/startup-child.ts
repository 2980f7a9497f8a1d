// One cold start for the startup benchmark (startup.ts), in a fresh process as a program
// starts a pool: `node startup-child.js <pool> <figure>` prints one JSON line.
//   memory  RSS added by a pool of 8 workers once each has run a task (after a GC), per worker
//   first   from creating a pool of 2 to the first task's result; for tsray also the first
//           `.remote()` call of a function defined here (the shipping of a plain program)
//   batch   a pool of 8, and at once 16 tasks sleeping 0..15 units of UNIT_S: when the first
//           started and when all ended, from their submission and from the pool's creation
//           (FIFO ideal: 22 units)
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as ray from "../runtime";
import { piscinaPool, PoolUnderTest, rawPool } from "./peers";
import { tsrayPool } from "./runtime";

export const UNIT_S = 0.25;
const now = () => performance.timeOrigin + performance.now();

/** A function as a program defines it, its first `.remote()` timed. */
export const fresh = ray.remote((x: number) => x + 1);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** The pools startup.ts measures, by id. */
const POOLS: Record<string, () => PoolUnderTest> = { tsray: tsrayPool, piscina: piscinaPool, raw: rawPool };

function poolNamed(id: string): PoolUnderTest {
  const make = POOLS[id];
  if (!make) throw new Error(`unknown pool ${id} (known: ${Object.keys(POOLS).join(", ")})`);
  return make();
}

async function memory(pool: PoolUnderTest): Promise<object> {
  gc();
  const before = process.memoryUsage().rss;
  await pool.start(8);
  // Long enough that each of the 8 workers takes one.
  await Promise.all(Array.from({ length: 8 }, () => pool.sleep(1, 0.2)));
  gc();
  return { perWorkerMb: (process.memoryUsage().rss - before) / 2 ** 20 / 8 };
}

async function first(pool: PoolUnderTest): Promise<object> {
  const start = now();
  await pool.start(2);
  if (pool.id !== "tsray") {
    await pool.roundTrip(1);
    return { firstResultMs: now() - start };
  }
  const submitted = now();
  const ref = fresh.remote(1);
  const remoteMs = now() - submitted;
  await ray.get(ref);
  return { firstResultMs: now() - start, remoteMs };
}

async function batch(pool: PoolUnderTest): Promise<object> {
  const start = now();
  await pool.start(8);
  const submitted = now();
  const starts = await Promise.all(Array.from({ length: 16 }, (_, i) => pool.sleep(i, UNIT_S)));
  const end = now();
  return { firstStartMs: Math.min(...starts) - submitted, units: (end - submitted) / 1000 / UNIT_S, unitsFromStart: (end - start) / 1000 / UNIT_S };
}

const FIGURES = { memory, first, batch } as Record<string, (pool: PoolUnderTest) => Promise<object>>;

async function main(poolId: string, figure: string): Promise<void> {
  const pool = poolNamed(poolId);
  const measured = await FIGURES[figure](pool);
  await pool.stop();
  console.log(JSON.stringify(measured));
}

// Workers import this module again for `fresh`: only the program measures.
if (require.main === module) {
  main(process.argv[2], process.argv[3]).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    }
  );
}
