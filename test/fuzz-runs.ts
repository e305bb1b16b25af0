/**
 * fast-check run options of a hostile-input property: the small fixed-seed count `npm test` runs (under a
 * minute in all), or `NUM_RUNS` runs from a fresh seed under `npm run fuzz`.
 */
export function fuzzRuns(numRuns: number, seed: number): { numRuns: number; seed?: number } {
  const runs = Number(process.env.NUM_RUNS);
  return runs > 0 ? { numRuns: runs } : { numRuns, seed };
}
