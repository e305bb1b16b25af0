/**
 * Long strings that made the credential scan backtrack or that probe its bounds (200 kB each). The seventh is an
 * unclosed `${`: not a reference, so a literal password. test/core/secret-patterns.test.ts checks the scan's answers on
 * them; bench/hostile-input.ts measures how long the scan takes.
 */
export const HOSTILE_SCAN_TEXT: readonly string[] = [
  'a'.repeat(200_000),
  'x:'.repeat(100_000),
  'curl '.repeat(40_000),
  '--token '.repeat(25_000),
  'LS0tLS1CRUdJTi'.repeat(15_000),
  '=a:'.repeat(33_000),
  'password=${a' + '-'.repeat(100_000),
  // A JWT may follow '-' or '_' (`platform-<jwt>`): a regex allowing them would retry every '-eyJ' to the run's end.
  '-eyJ'.repeat(50_000),
  // An HTTP credential may sit inside a sentence: each 'Bearer ' looks for a digit within a bounded stretch.
  'Bearer '.repeat(10_000) + 'Bearer ' + 'a'.repeat(130_000),
];
