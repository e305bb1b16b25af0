/*
 * What the child processes of synthesize.test.ts load: the library as scripts/bundle.js compiles it (one file, built
 * once and kept until a source changes), so a child starts in a fraction of a second where tsx took about 3 s to load
 * the sources. esbuild's `import * as fs` reads each function from the 'fs' module when it is called, so a child that
 * replaces fs.renameSync, even after loading this, is killed inside synthesize, as with tsx.
 */
export { App } from 'cdk8s';
export { BlueprintChart, TeamNamespace, synthesize } from '../../constructs';
