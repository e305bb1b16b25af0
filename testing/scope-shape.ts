import { App, Chart } from 'cdk8s';
import { is } from '../constructs/core/shape';

/** An App or a Chart, as the helpers take it (checked at entry: untyped input gets PROPS_INVALID, never a TypeError). */
export const SCOPE_SHAPE = is.either(is.instance(App, 'cdk8s App'), is.instance(Chart, 'cdk8s Chart'));
