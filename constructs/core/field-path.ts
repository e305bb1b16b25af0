/** A key that reads unambiguously after a dot: a JavaScript identifier. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The field path of `key` in the map at `field`, as TypeScript would write it: `env.DB_HOST`, but
 * `configKeys[".dockerconfigjson"]` and `nodeSelector["kubernetes.io/arch"]` for a key that is not
 * an identifier (a dotted key joined with a dot, `configKeys..dockerconfigjson`, reads as a typo and
 * as two steps). `field` empty: the key alone (a top-level prop, or the `<redacted>` placeholder of one).
 */
export function keyField(field: string, key: string): string {
  if (!field) return key;
  return IDENTIFIER.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`;
}
