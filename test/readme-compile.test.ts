import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/** Every ```ts block of the README, as a module of its own (users copy them one at a time). */
function readmeBlocks(): { file: string; text: string }[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    file: path.join(ROOT, '.readme-blocks', `block-${i + 1}.ts`),
    text: `${m[1]}\nexport {};\n`,
  }));
}

// A type-check of the library with them: about as long as `tsc` on index.ts (jest transpiles only, without types).
test('every TypeScript block of the README compiles as written, in strict mode, against the package entries', () => {
  const blocks = readmeBlocks();
  expect(blocks.length).toBeGreaterThan(5);
  const virtual = new Map(blocks.map((b) => [b.file, b.text]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    noEmit: true,
    types: ['node'],
    baseUrl: ROOT,
    // The package's entries, as a consumer imports them.
    paths: {
      'cluster-blueprints': ['index.ts'],
      'cluster-blueprints/testing': ['testing/index.ts'],
      'cluster-blueprints/pulumi': ['pulumi/index.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, v, ...rest) =>
    virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, v) : getSourceFile.call(host, f, v, ...rest);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors = [...virtual.keys()].flatMap((f) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(f))
      .filter((d) => d.file && virtual.has(d.file.fileName))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${path.basename(d.file!.fileName)}:${line + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}\n  ${d.file!.text.split('\n')[line]}`;
      }),
  );
  expect(errors).toEqual([]);
});
