/*
 * Fetches one exact version of a package with the ordinary npm client
 * (`npm pack <pkg>@<version>`, which uses npm's own cache) and unpacks it into
 * a new temporary folder, removed when the process exits: the generators read
 * files of package versions that are not (or cannot be) installed, e.g.
 * declarations of ESM-only releases.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const temporary: string[] = [];

/** Removes the folders npmPack made (also done when the process exits; a Jest sandbox may not see that event). */
export function removeTemporary(): void {
  for (const dir of temporary.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The unpacked `<pkg>@<version>` (its `package` folder); throws when npm cannot fetch it or it is another version. */
export function npmPack(pkg: string, version: string, prefix = 'cb-npm-pack-'): string {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (temporary.push(temp) === 1) process.once('exit', removeTemporary);
  try {
    const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', temp], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    execFileSync('tar', ['xzf', path.join(temp, tarball.split('\n').pop()!), '-C', temp]);
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  const dir = path.join(temp, 'package');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (manifest.name !== pkg || manifest.version !== version)
    throw new Error(`npm pack ${pkg}@${version} gave ${manifest.name} ${manifest.version}`);
  return dir;
}
