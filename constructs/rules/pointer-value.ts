import { argvCredentials, imageCredential, plaintextSecretEnv } from '../core/secret-patterns';

/** What an issue shows for a value of a Secret's `data` or `stringData`: the output may hold real credentials. */
const HIDDEN = '<redacted>';

/** `map` with every value hidden (the keys stay: they say which entry is meant). */
function hiddenValues(map: unknown): unknown {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return HIDDEN;
  return Object.fromEntries(Object.keys(map).map((k) => [k, HIDDEN]));
}

/**
 * `{ value }` at the JSON pointer `pointer` of a rendered object, for the
 * `value` of a render-time issue; `undefined` for the whole object (`''`: the
 * issue's field says `(object)`) and where nothing is there (a rule about a
 * missing field, or a pointer relative to a container).
 */
export function pointedValue(object: unknown, pointer: string): { readonly value: unknown } | undefined {
  if (pointer === '') return undefined;
  const value = valueAtPointer(object, pointer);
  if (value === undefined) return undefined;
  return { value: heldByPlace(object, pointer, value) ? HIDDEN : value };
}

/**
 * Whether `value` at `pointer` is a secret because of where it sits, which a scan of the string alone cannot see: the
 * argument after a password flag (`['--password', S]`, `['mysql', '-pS']`, a container's args after its command), a
 * literal under a secret-looking name (`data.DB_PASSWORD`, an env entry `{ name: DB_PASSWORD, value }`), the
 * userinfo of an image reference (`user:S@registry/app`).
 */
function heldByPlace(object: unknown, pointer: string, value: unknown): boolean {
  const cut = pointer.lastIndexOf('/');
  const key = pointer
    .slice(cut + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  const parentPointer = pointer.slice(0, cut);
  const parent = valueAtPointer(object, parentPointer);
  if (Array.isArray(parent)) {
    const owner = parentPointer.endsWith('/args') ? valueAtPointer(object, parentPointer.slice(0, -'/args'.length)) : undefined;
    const command = (owner as { command?: unknown } | undefined)?.command;
    return argvCredentials(parent, Array.isArray(command) ? command : [])[Number(key)] !== undefined;
  }
  if (parent === null || typeof parent !== 'object') return false;
  return (
    plaintextSecretEnv(key, value) ||
    (key === 'value' && plaintextSecretEnv((parent as { name?: unknown }).name, value)) ||
    (key === 'image' && imageCredential(value) !== undefined)
  );
}

/**
 * The value at the JSON pointer `pointer` (RFC 6901: `/spec/ports/0`, `~1`
 * for `/`, `~0` for `~`) of a rendered object, for the `value` of a render-time
 * issue; `undefined` when nothing is there (a rule about a missing field). A
 * Secret's `data` and `stringData` values are never returned, only their keys.
 * Plain rendered JSON only: no user code runs.
 */
export function valueAtPointer(object: unknown, pointer: string): unknown {
  const keys =
    pointer === ''
      ? []
      : pointer
          .split('/')
          .slice(1)
          .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const secret = object !== null && typeof object === 'object' && (object as { kind?: unknown }).kind === 'Secret';
  if (secret && keys.length === 0) {
    const o = object as Record<string, unknown>;
    return {
      ...o,
      ...('data' in o ? { data: hiddenValues(o.data) } : {}),
      ...('stringData' in o ? { stringData: hiddenValues(o.stringData) } : {}),
    };
  }
  if (secret && (keys[0] === 'data' || keys[0] === 'stringData')) {
    const map = (object as Record<string, unknown>)[keys[0]];
    return keys.length === 1 ? hiddenValues(map) : HIDDEN;
  }
  let at: unknown = object;
  for (const k of keys) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, k)) return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return at;
}
