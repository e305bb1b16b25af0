import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/*
 * The library as another project uses it: `npm pack` (which builds lib/),
 * install the tarball into a fresh consumer project, compile a TypeScript
 * program against the published .d.ts with tsc, run it, read its YAML.
 */
const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const program = `
declare const process: { argv: string[] };
import { App } from 'cdk8s';
import { BlueprintChart, QuotaPreset, TeamNamespace, WebService, synthesize } from 'cluster-blueprints';

const app = new App();
const chart = new BlueprintChart(app, 'consumer', { owner: 'consumer-team' });
const team = new TeamNamespace(chart, 'consumer', { quota: QuotaPreset.SMALL });
const web = new WebService(chart, 'web', { namespace: team, image: 'nginxinc/nginx-unprivileged:1.27.2', ports: [{ name: 'http', port: 8080 }] });
const result = synthesize(app, { outdir: process.argv[2] });
console.log(JSON.stringify({ files: result.files, dns: web.serviceDnsName }));
`;

test('the packed library installs, compiles and synthesizes in a separate project', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-consumer-'));
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = npm(['pack', '--json', '--pack-destination', work], root);
  const tarball = path.join(work, JSON.parse(packed.slice(packed.indexOf('[')))[0].filename);
  const consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { 'cluster-blueprints': `file:${tarball}` } }),
  );
  fs.writeFileSync(
    path.join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: false,
        types: [],
        outDir: 'out',
      },
      files: ['main.ts'],
    }),
  );
  fs.writeFileSync(path.join(consumer, 'main.ts'), program);
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], consumer);
  execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: consumer, encoding: 'utf8' });
  const out = execFileSync(process.execPath, ['out/main.js', path.join(consumer, 'dist')], { cwd: consumer, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ files: ['consumer.k8s.yaml'], dns: 'web.consumer.svc.cluster.local' });
  const docs = parseAllDocuments(fs.readFileSync(path.join(consumer, 'dist', 'consumer.k8s.yaml'), 'utf8')).map((d) => d.toJS());
  expect(docs.map((d) => d.kind)).toEqual(
    expect.arrayContaining(['Namespace', 'ResourceQuota', 'LimitRange', 'Deployment', 'Service', 'PodDisruptionBudget']),
  );
  const deployment = docs.find((d) => d.kind === 'Deployment');
  expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  // Only the library ships: no tests, stacks or sources.
  const listed = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
  expect(
    listed.some((f) => f.startsWith('package/test/') || f.startsWith('package/stacks/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
  ).toBe(false);
  expect(listed).toContain('package/lib/index.d.ts');
}, 180_000);
