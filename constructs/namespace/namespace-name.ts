import { IssueSink } from '../core/errors';
import { NameRule, checkedName } from '../core/names';
import { is } from '../core/shape';
import { TeamNamespace } from './team-namespace';

/** The shape of a namespace prop: a `TeamNamespace` of the app, or the name of one managed elsewhere. */
export const NAMESPACE_SHAPE = is.either(is.instance(TeamNamespace), is.string);

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
