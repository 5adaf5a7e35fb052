/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32), so that the same
 * `--seed` gives the same splits, shuffles and samples on every machine.
 */
export interface Rng {
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T, A extends { length: number; [i: number]: T }>(array: A): A;
  /** A new independent generator derived from this one and a label. */
  fork(label: string): Rng;
}

/** Create a seeded generator. Different labels give independent streams for the same seed. */
export function createRng(seed: number, options: { label?: string } = {}): Rng {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const ch of options.label ?? "") h = Math.imul(h ^ ch.charCodeAt(0), 0x85ebca6b) >>> 0;
  const split = () => {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  if ((a | b | c | d) === 0) a = 1;
  const nextU32 = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int(n: number) {
      if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`int(n) needs n >= 1, got ${n}`);
      // rejection sampling for an unbiased result
      const limit = 4294967296 - (4294967296 % n);
      let x = nextU32();
      while (x >= limit) x = nextU32();
      return x % n;
    },
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    fork: (label: string) => createRng(nextU32(), { label }),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
