/**
 * The 'fs' module for suites that inject file system failures with jest.spyOn:
 * `jest.mock('fs', () => jest.requireActual('./spyable-fs').spyableFs())`.
 * The code under test must read its functions from the module object the spies
 * patch when it calls them: a module of its own marked __esModule is taken as it
 * is by every `import * as fs` interop (tsc's getters and swc's copy alike), where
 * the real 'fs' would be copied by swc's.
 */
export function spyableFs(): typeof import('fs') {
  const actual = jest.requireActual<typeof import('fs')>('fs');
  return { __esModule: true, ...actual, default: actual } as typeof import('fs');
}
