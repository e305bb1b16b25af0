import { BlueprintIssue } from '../core/errors';
import { pointedValue } from '../rules/pointer-value';
import { validateObjects } from '../rules/schema';
import type { RenderedObject, StageContext } from './render-app';

/** The schema check as a render stage: every finding of every object, at the object's construct path; warnings (SCHEMA_UNKNOWN_KIND) to `warn`. */
export function schemaStage(objects: readonly RenderedObject[], { options, warn }: StageContext): BlueprintIssue[] {
  if (options.schemaCheck === false) return [];
  const issues: BlueprintIssue[] = [];
  const warnings: BlueprintIssue[] = [];
  for (const { object, constructPath } of objects) {
    for (const f of validateObjects([object])) {
      (f.severity === 'error' ? issues : warnings).push({
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
  warn(warnings);
  return issues;
}
