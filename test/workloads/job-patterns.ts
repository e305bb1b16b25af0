import * as fc from 'fast-check';
import { JobPattern } from '../../constructs';

// Apart from test/helpers.ts, which most suites import: only the two job suites load fast-check for it.
/**
 * Every JobPattern, for the property tests of BatchJob and ScheduledJob: parallelism above completions too (the Job
 * controller then runs the remaining completions at once).
 */
export const JOB_PATTERNS = fc.oneof(
  fc.constant(JobPattern.single()),
  fc.integer({ min: 1, max: 10 }).chain((c) => fc.integer({ min: 1, max: c + 3 }).map((p) => JobPattern.fixedCompletions(c, p))),
  fc.integer({ min: 1, max: 8 }).map((p) => JobPattern.workQueue(p)),
);
