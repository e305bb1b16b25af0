import { BlueprintError } from '../core/errors';
import { checkArgs, is } from '../core/shape';
import { NameRule, nameIssue } from '../core/names';
import { SecretDeclaration } from '../secrets/secret-declaration';

/**
 * A reference by name to a Secret that another object of the same output
 * provides (e.g. the TLS Secret a cert-manager `Certificate` writes). For a
 * Secret holding credentials, declare it with `SecretDeclaration` instead, so
 * the environment's backend provides it and its keys are checked. The library
 * never writes secret values into YAML.
 */
export class SecretRef {
  /**
   * @param name the Secret's name
   * @param version bump it to roll the pods when the Secret's content changes
   *   (the content itself is not known at synth time)
   */
  public static fromName(name: string, version = '1'): SecretRef {
    checkArgs('SecretRef.fromName', ['name', name, is.string], ['version', version, is.string]);
    const issue = nameIssue(NameRule.DNS1123_SUBDOMAIN, 'secret', name);
    if (issue) throw new BlueprintError({ path: '', ...issue });
    return new SecretRef(name, version);
  }
  private constructor(
    public readonly name: string,
    public readonly version: string,
  ) {}
}

/** What a pod can read a Secret through: a declaration (preferred) or a reference by name. */
export type SecretSource = SecretDeclaration | SecretRef;

/** The shape of a `SecretSource`. */
export const SECRET_SOURCE_SHAPE = is.either(is.instance(SecretDeclaration), is.instance(SecretRef));

/** Fails when `key` is not declared by `secret` (a declaration); a bare reference cannot tell. */
export function requireSecretKey(secret: SecretSource, key: string, field?: string): void {
  if (secret instanceof SecretDeclaration) secret.requireKey(key, field);
}
