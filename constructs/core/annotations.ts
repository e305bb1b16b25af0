import { IssueInput } from './errors';
import { ANNOTATIONS_MAX_BYTES, isAnnotationKey } from './names';
import { credentialIn } from './secret-patterns';
import { keyField } from './field-path';

/*
 * Annotations users set on pods, Services and Ingresses: keys are qualified
 * names (the label-key syntax), all of an object's annotations together stay
 * under the API server's 256 KiB, and nothing that looks like a credential is
 * written into the YAML (annotations are readable by anyone who can get the
 * object).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
 */

/** Keys whose value is the credential itself (not, like `…/auth-secret`, the name of a Secret). */
const SECRET_KEY = /(^|[/.-])(password|passwd|token|api[-_]?key|private[-_]?key|credentials?)$/i;

/** Why `value` under `key` looks like a credential, or undefined. */
export function secretLookingAnnotation(key: string, value: string): string | undefined {
  if (SECRET_KEY.test(key) && value.trim() !== '') return 'is named like a credential and has a value';
  // The shared scanner (secret-patterns.ts), so an annotation is judged like every other text that reaches the output.
  const what = credentialIn(value);
  if (what) return `holds what looks like ${what}`;
  return undefined;
}

/** Issues of a user-given annotation map (`field` is e.g. `podAnnotations`). */
export function annotationIssues(field: string, annotations: Readonly<Record<string, string>> | undefined): IssueInput[] {
  const out: IssueInput[] = [];
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
    if (!isAnnotationKey(key))
      out.push({
        code: 'ANNOTATION_INVALID',
        field: keyField(field, key),
        value: key,
        message: 'is not a qualified name ([prefix/]name, name ≤ 63 characters of letters, digits, -, _ and .)',
        fix: "use e.g. 'prometheus.io/scrape' or 'example.com/owner-team'",
      });
    if (typeof value !== 'string') {
      out.push({
        code: 'ANNOTATION_INVALID',
        field: keyField(field, key),
        value,
        message: 'must be a string',
        fix: "quote it, e.g. 'true' or '8080'",
      });
      continue;
    }
    const secret = secretLookingAnnotation(key, value);
    if (secret)
      out.push({
        code: 'ANNOTATION_SECRET',
        field: keyField(field, key),
        value: '<redacted>',
        message: `${secret}: annotations are plain text in the YAML and readable by anyone who can read the object`,
        fix: 'keep the value in a Secret (SecretRef) and annotate with its name, or let the controller read it from there',
      });
  }
  if (bytes > ANNOTATIONS_MAX_BYTES)
    out.push({
      code: 'ANNOTATION_INVALID',
      field,
      value: `${bytes} bytes`,
      message: `is larger than the ${ANNOTATIONS_MAX_BYTES} bytes the API server accepts for all of an object's annotations`,
      fix: 'move large content into a ConfigMap',
    });
  return out;
}
