import { BlueprintIssue } from '../core/errors';
import { pointedValue } from '../rules/pointer-value';
import { validateManifests } from '../rules/schema';
import type { RenderedObject, StageContext } from './render-app';

/** The schema check as a render stage: every error finding of every object, at the object's construct path. */
export function schemaStage(objects: readonly RenderedObject[], { options }: StageContext): BlueprintIssue[] {
  if (options.schemaCheck === false) return [];
  const issues: BlueprintIssue[] = [];
  for (const { object, constructPath } of objects) {
    for (const f of validateManifests([object])) {
      if (f.severity !== 'error') continue;
      issues.push({
        code: f.rule,
        path: constructPath,
        construct: f.object,
        field: f.pointer || '(object)',
        ...pointedValue(object, f.pointer),
        message: f.message,
        fix: f.fix,
      });
    }
  }
  return issues;
}
