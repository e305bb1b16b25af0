// `cluster-blueprints/testing`: helpers for a consumer's own tests (any test runner:
// failures are thrown as AssertionErrors). Loads only the library, never Pulumi.
export * from './objects';
export * from './assertions';
export { type BlueprintIssue } from '../constructs/core/errors';
export { type Finding, type Severity } from '../constructs/rules/schema';
