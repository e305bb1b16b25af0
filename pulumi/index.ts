// `cluster-blueprints/pulumi`: deploy an app of these constructs with @pulumi/kubernetes.
// The only place in the package that imports @pulumi/*; the root entry never loads it.
export * from './deploy-app';
export * from './resources';
export { type RenderOptions } from '../constructs/render';
export { type RuleContext } from '../constructs/rules/rule';
