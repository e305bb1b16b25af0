import { Construct } from 'constructs';
import { CheckedConstruct, IssueInput } from '../../constructs';
import { catchBlueprintError, testChart } from '../helpers';

interface GreetingProps {
  readonly text: string;
}

/** A shape written by hand, as a subclass outside the library writes one. */
const GREETING_SHAPE = {
  expected: 'an object with a string text',
  issuesOf: (value: unknown, field: string): IssueInput[] =>
    typeof (value as GreetingProps).text === 'string'
      ? []
      : [{ code: 'PROPS_INVALID', field: `${field}text`, value, message: 'must be a string', fix: 'give text' }],
};

class Greeting extends CheckedConstruct<GreetingProps> {
  public readonly text: string;

  constructor(scope: Construct, id: string, props: GreetingProps) {
    super(scope, id, props, 'Greeting', GREETING_SHAPE);
    props = this.checked;
    this.text = props.text;
    this.problems.check(props.text === '', { code: 'PROPS_INVALID', field: 'text', value: '', message: 'is empty', fix: 'say something' });
    this.problems.throwIfAny();
  }

  public get snapshot(): GreetingProps {
    return this.checked;
  }
}

describe('CheckedConstruct', () => {
  test('a subclass passes its props, class name and shape: it builds from a frozen snapshot', () => {
    const { chart } = testChart();
    const props = { text: 'hello' };
    const g = new Greeting(chart, 'g', props);
    props.text = 'changed';
    expect(g.text).toBe('hello');
    expect(g.snapshot).toEqual({ text: 'hello' });
    expect(Object.isFrozen(g.snapshot)).toBe(true);
  });

  test('props of the wrong shape throw at entry, with the path the construct would take, before it joins the tree', () => {
    const { chart } = testChart();
    const e = catchBlueprintError(() => new Greeting(chart, 'g', { text: 5 } as never));
    expect(e.issues.map((i) => [i.code, i.field, i.construct, i.path])).toEqual([['PROPS_INVALID', 'text', 'Greeting', 'test/g']]);
    expect(chart.node.tryFindChild('g')).toBeUndefined();
  });

  test("the subclass's own checks are pathed to the construct", () => {
    const { chart } = testChart();
    const e = catchBlueprintError(() => new Greeting(chart, 'g', { text: '' }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct, i.path])).toEqual([['PROPS_INVALID', 'text', 'Greeting', 'test/g']]);
  });

  test('called itself from JavaScript, with no shape, the base refuses to stand for a construct', () => {
    const { chart } = testChart();
    const Base = CheckedConstruct as unknown as new (scope: Construct, id: string, props: unknown) => CheckedConstruct<unknown>;
    const e = catchBlueprintError(() => new Base(chart, 'x', { text: 'hello' }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct])).toEqual([['PROPS_INVALID', 'shape', 'CheckedConstruct']]);
    expect(chart.node.tryFindChild('x')).toBeUndefined();
    // A bad id is reported as from any constructor.
    expect(catchBlueprintError(() => new Base(chart, '', {})).codes).toEqual(['ID_INVALID']);
  });
});
