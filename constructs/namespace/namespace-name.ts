import { IssueSink } from '../core/errors';
import { NameRule, checkedName } from '../core/names';
import { TeamNamespace } from './team-namespace';

/** The name of a namespace that props give as a `TeamNamespace` of the app or, for one managed elsewhere, by name. */
export function namespaceName(namespace: TeamNamespace | string): string {
  return namespace instanceof TeamNamespace ? namespace.name : namespace;
}

/**
 * `namespaceName`, with the issue of a name that is not a DNS-1123 label
 * recorded in `problems` at `field`: a constructor's
 * `this.namespace = checkedNamespace(problems, props.namespace)`.
 */
export function checkedNamespace(problems: IssueSink, namespace: TeamNamespace | string, field = 'namespace'): string {
  return checkedName(problems, NameRule.DNS1123_LABEL, namespaceName(namespace), field);
}
