/** Fresh random inputs for cross-checks, with the seed named on failure. */
import { createRng, type Rng } from "../../src/stats/random.ts";

/**
 * Run `fn` with a generator seeded afresh each run (or from `HT_TEST_SEED`); a failure names
 * the seed so it can be replayed.
 */
export async function withSeed(
  name: string,
  fn: (rng: Rng) => Promise<void> | void,
): Promise<void> {
  const env = Deno.env.get("HT_TEST_SEED");
  const seed = env ? Number(env) : crypto.getRandomValues(new Uint32Array(1))[0];
  try {
    await fn(createRng(seed, { label: name }));
  } catch (error) {
    throw new Error(
      `${name}: failed with seed ${seed} (rerun with HT_TEST_SEED=${seed}): ${error}`,
      {
        cause: error,
      },
    );
  }
}
