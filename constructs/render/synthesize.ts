import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { RenderOptions, renderApp } from './render-app';

/** Options of `synthesize`. */
export interface SynthesizeOptions extends RenderOptions {
  /** Where to write. @default - `$CDK8S_OUTDIR`, else `app.outdir` */
  readonly outdir?: string;
}

/** What `synthesize` wrote. */
export interface SynthesizeResult {
  readonly outdir: string;
  readonly files: string[];
  readonly objectCount: number;
}

/**
 * Renders, validates and writes `app` to `outdir`, one `<chart>.k8s.yaml` per
 * chart. All-or-nothing: files go to a sibling temporary directory that
 * replaces `outdir` only when everything succeeded, so a failed synth never
 * leaves `dist/` half-written.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizeResult {
  const outdir = path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? app.outdir);
  const rendered = renderApp(app, options);
  const staging = `${outdir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const files: string[] = [];
  try {
    for (const r of rendered) {
      const file = `${r.name}${app.outputFileExtension}`;
      fs.writeFileSync(path.join(staging, file), Yaml.stringify(...r.objects));
      files.push(file);
    }
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    fs.renameSync(staging, outdir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { outdir, files, objectCount: rendered.reduce((n, r) => n + r.objects.length, 0) };
}
