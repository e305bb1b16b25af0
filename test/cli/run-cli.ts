import { run } from '../../cli/main';

/** Runs the CLI in this process as a user would from a shell: its exit code and what it wrote to stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

/** The JSON a `--json` run printed. */
export const json = (r: { out: string }) => JSON.parse(r.out);
