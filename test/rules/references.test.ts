import { App } from 'cdk8s';
import { BlueprintChart, VerticalAutoscaler, VpaUpdateMode, WebService, renderApp, runRules } from '../../constructs';
import { catchBlueprintError, find, render, testChart } from '../helpers';

const web = { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] } as const;

describe('REF_HPA_TARGET: an autoscaler targets a workload of the output', () => {
  test('a VPA whose workload is in another app is refused at synth', () => {
    const other = new BlueprintChart(new App(), 'other', { owner: 'o' });
    const elsewhere = new WebService(other, 'web', web);
    const { app, chart } = testChart();
    new VerticalAutoscaler(chart, 'vpa', { target: elsewhere, updateMode: VpaUpdateMode.OFF });
    const issues = catchBlueprintError(() => renderApp(app)).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['REF_HPA_TARGET', '/spec/targetRef']]);
    expect(issues[0].message).toContain('Deployment/web');
    expect(issues[0].path).toBe('test/vpa/Resource');
  });

  test('the same VPA beside its workload (another chart of the same app) renders', () => {
    const { app, chart } = testChart();
    const side = new BlueprintChart(app, 'side', { owner: 'o' });
    new VerticalAutoscaler(side, 'vpa', { target: new WebService(chart, 'web', web) });
    expect(find(render(app), 'VerticalPodAutoscaler', 'web').spec.targetRef.name).toBe('web');
  });

  test("on YAML (check, the CLI): a VPA whose targetRef names nothing; another group's kind of the same name is not judged", () => {
    const { app, chart } = testChart();
    new VerticalAutoscaler(chart, 'vpa', { target: new WebService(chart, 'web', web) });
    const objects = render(app);
    expect(runRules(objects).filter((f) => f.rule === 'REF_HPA_TARGET')).toEqual([]);
    find(objects, 'VerticalPodAutoscaler', 'web').spec.targetRef.name = 'gone';
    const foreign = { apiVersion: 'example.com/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'x', namespace: 'shop' }, spec: {} };
    const found = runRules([...objects, foreign]).filter((f) => f.rule === 'REF_HPA_TARGET');
    expect(found.map((f) => [f.object, f.pointer, f.message])).toEqual([
      ['VerticalPodAutoscaler/shop/web', '/spec/targetRef', 'targets missing Deployment/gone'],
    ]);
  });
});
