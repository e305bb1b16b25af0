/*
 * RBAC subjects that stand for everyone of a kind (kubernetes.io/docs/reference/access-authn-authz/rbac: "Default
 * roles and role bindings", "Referring to subjects"): a binding to one of them grants its role to every anonymous
 * request, every authenticated user or every ServiceAccount of the cluster (or of a namespace). CIS Kubernetes
 * benchmarks flag them; GKE refuses such bindings by default.
 */

/** Why binding a role to `kind`/`name` grants it to everyone of a kind, or undefined when it does not. */
export function broadSubjectReason(kind: unknown, name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (kind === 'User' && name === 'system:anonymous') return 'is every anonymous request';
  if (kind !== 'Group') return undefined;
  if (name === 'system:unauthenticated') return 'is every anonymous request';
  if (name === 'system:authenticated') return 'is every authenticated user and ServiceAccount of the cluster';
  if (name === 'system:serviceaccounts') return 'is every ServiceAccount of the cluster';
  if (name.startsWith('system:serviceaccounts:'))
    return `is every ServiceAccount of namespace ${name.slice('system:serviceaccounts:'.length)}`;
  return undefined;
}
