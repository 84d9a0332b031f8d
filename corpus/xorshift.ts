// xorshift32: a tiny seedable generator that gives the same numbers on every machine and Node version,
// unlike Math.random, so generated scenarios are files that never change unless their script does.

/** Returns r(n): the next number in 0..n-1. */
export function xorshift32(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}
