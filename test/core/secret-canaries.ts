/*
 * Credentials for the tests of the scan (secret-patterns.test.ts) and of every path into the YAML
 * (test/contracts/secret-leaks.test.ts, and the construct tests that import CANARIES). A module of its own, not a
 * test file: importing a test file runs its tests again inside the importer. Canaries are assembled at run time so
 * that no file holds a string that secret scanners (ours or a forge's) would flag.
 */
export const j = (...parts: string[]) => parts.join('');

export const CANARIES: readonly string[] = [
  j('AKIA', 'Z7CANARY0EXAMPLE'),
  j('ghp', '_', 'A'.repeat(36)),
  j('github', '_pat_', 'B'.repeat(40)),
  j('xox', 'b-', '1234567890-abcdefghij'),
  j('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiJjYW5hcnkifQ', '.', 'c2lnbmF0dXJlX2NhbmFyeQ'),
  j('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIcanary\n-----END RSA PRIVATE KEY-----'),
  j('postgres://app:', 'Hunter2canary', '@db:5432/app'),
  j('--password=', 'Hunter2canary'),
  j('/healthz?token=', 'c4n4ryt0k3n'),
  j('api_key: ', 'c4n4ryk3y9'),
  j('glpat-', 'C'.repeat(20)),
  j('sk_live_', 'D'.repeat(24)),
];

/** Formats an independent audit found the detector missing, used both by the scan's table and on the constructs. */
export const AZURE = j(
  'DefaultEndpointsProtocol=https;AccountName=myacct;Account',
  'Key=',
  'Ab3x'.repeat(21),
  '==;EndpointSuffix=core.windows.net',
);
export const OPENAI = j('sk-', 'proj-', 'Ab3'.repeat(16));
export const PEM_B64 = Buffer.from(j('-----BEGIN ', 'PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n')).toString('base64');
