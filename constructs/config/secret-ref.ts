import { BlueprintError } from '../core/errors';
import { NameRule, nameIssue } from '../core/names';

/**
 * A reference to a Secret managed outside the manifests (by the deploy tool's
 * secret store, e.g. `pulumi config set --secret`, or an operator). The
 * library never writes secret values into YAML (PRACTICES §9).
 */
export class SecretRef {
  /**
   * @param name the Secret's name
   * @param version bump it to roll the pods when the Secret's content changes
   *   (the content itself is not known at synth time)
   */
  public static fromName(name: string, version = '1'): SecretRef {
    const issue = nameIssue(NameRule.DNS1123_SUBDOMAIN, 'secret', name);
    if (issue) throw new BlueprintError({ path: '', ...issue });
    return new SecretRef(name, version);
  }
  private constructor(
    public readonly name: string,
    public readonly version: string,
  ) {}
}
