import { UserError, describeInputProblem, inputError, inputsError, quoteText } from '../src/errors.js';
import { list, recordInputs, splitItems } from '../src/inputs.js';

describe('lists', () => {
  test('commas and newlines separate items; blank lines are skipped; duplicates go', () => {
    expect(list(recordInputs({ alarms: 'a, b\n\n  c\nb\n' }), 'alarms')).toEqual(['a', 'b', 'c']);
    expect(list(recordInputs({}), 'alarms')).toEqual([]);
  });

  test.each([
    ['a,, b', '"a,, b" is not valid: an empty item between two commas after "a"'],
    [', a', '", a" is not valid: an empty item: the line starts with a comma'],
    ['a\nb,\nc', '"b," is not valid: an empty item: a comma ends the line after "b"'],
    [',', '"," is not valid: only commas: give at least one item, or leave the input out'],
    [' , , ', '", ," is not valid: only commas'],
  ])('%j is refused, quoting the line with the empty item', (text, message) => {
    expect(() => list(recordInputs({ alarms: text }), 'alarms')).toThrow(`Input 'alarms': ${message}`);
  });

  test('a list of only spaces is refused, not read as no list', () => {
    expect(() => list(recordInputs({ alarms: '  \n ' }), 'alarms')).toThrow(
      `Input 'alarms': "  \\n " is not valid: a list of only spaces: give at least one item, or leave the input out`,
    );
  });

  test('only line breaks, as a block scalar around an empty expression gives, is no list', () => {
    expect(list(recordInputs({ alarms: '\n' }), 'alarms')).toEqual([]);
  });

  test('as the runner passes it (INPUT_ variables), a list of only spaces is refused too', async () => {
    const { actionInputs } = await import('../src/inputs.js');
    process.env['INPUT_BLOCKER-ALARMS'] = '   ';
    try {
      expect(() => list(actionInputs, 'blocker-alarms')).toThrow(
        'Input \'blocker-alarms\': "   " is not valid',
      );
    } finally {
      delete process.env['INPUT_BLOCKER-ALARMS'];
    }
  });

  test('items keep their order and repeats when split for steps', () => {
    expect(splitItems('10%:1m, 10%:1m\n100%', 'steps')).toEqual(['10%:1m', '10%:1m', '100%']);
  });
});

describe('quoting bad text', () => {
  test('short text is quoted whole', () => {
    expect(quoteText('api 5xx')).toBe('"api 5xx"');
  });

  test('long text is cut, saying how long it was', () => {
    const long = 'x'.repeat(5000);
    expect(quoteText(long)).toBe(`${JSON.stringify('x'.repeat(160))}… (5000 characters)`);
  });
});

describe('input errors as fields', () => {
  it('keep the input and the reason apart from the message, for another front end to word', () => {
    const error = inputError('cluster', 'web cluster', 'expected a name or an ECS ARN');
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`Input 'cluster': "web cluster" is not valid: expected a name or an ECS ARN`);
    expect(error.problem).toEqual({
      inputs: ['cluster'],
      reason: '"web cluster" is not valid: expected a name or an ECS ARN',
    });
    expect(describeInputProblem(error.problem!, 'deploy input')).toBe(
      `deploy input 'cluster': "web cluster" is not valid: expected a name or an ECS ARN`,
    );
  });

  it('name a pair of inputs that do not go together', () => {
    const error = inputsError(['container-name', 'image'], 'go together: give both or neither');
    expect(error.message).toBe("Inputs 'container-name' and 'image' go together: give both or neither");
    expect(describeInputProblem(error.problem!, 'deploy input')).toBe(
      "deploy inputs 'container-name' and 'image' go together: give both or neither",
    );
  });

  it('are absent from a UserError that names no input', () => {
    expect(new UserError('the service is not EXTERNAL').problem).toBeUndefined();
  });
});
