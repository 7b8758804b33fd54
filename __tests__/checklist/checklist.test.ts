import {
  COMMENT_MARKER,
  answersIn,
  applyAnswers,
  linkLabels,
  commentTemplateHash,
  describeTally,
  isCurrent,
  itemKey,
  parseItems,
  renderComment,
  tally,
  templateHash,
} from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';

const summary = (markdown: string) =>
  parseItems(markdown).map(({ text, checked, struck }) => ({ text, checked, struck }));

describe('parseItems', () => {
  test('reads -, * and + bullets, ordered items, [x] and [X], and nested items', () => {
    const markdown = [
      '# Title',
      '- [ ] first',
      '* [x] second',
      '+ [X] third',
      '  - [ ] nested under third',
      '      * [x] deeper',
      '1. [ ] ordered',
      '2) [x] ordered with paren',
      '- not a task',
      '- [] not a task either',
      '-[ ] no space after the bullet',
      'text - [ ] mid-line',
    ].join('\n');
    expect(summary(markdown)).toEqual([
      { text: 'first', checked: false, struck: false },
      { text: 'second', checked: true, struck: false },
      { text: 'third', checked: true, struck: false },
      { text: 'nested under third', checked: false, struck: false },
      { text: 'deeper', checked: true, struck: false },
      { text: 'ordered', checked: false, struck: false },
      { text: 'ordered with paren', checked: true, struck: false },
    ]);
  });

  test('ignores items inside fenced code blocks, including indented fences and ~~~ fences', () => {
    const markdown = [
      '- [ ] real',
      '```md',
      '- [ ] example in a fence',
      '```',
      '- [ ] write commands below',
      '  ```sh',
      '  - [x] looks like an item but is shell',
      '  ```',
      '~~~~',
      '- [ ] inside tildes',
      '~~~ not a closer: too short',
      '```',
      '- [ ] a backtick fence does not close a tilde fence',
      '~~~~',
      '- [x] after',
    ].join('\n');
    expect(summary(markdown).map((i) => i.text)).toEqual(['real', 'write commands below', 'after']);
  });

  test('marks struck-through items (~~text~~ or ~text~), but not partly struck ones', () => {
    expect(summary('- [ ] ~~no longer applies~~\n- [x] ~gone~\n- [ ] ~~old~~ new\n- [ ] plain')).toEqual([
      { text: '~~no longer applies~~', checked: false, struck: true },
      { text: '~gone~', checked: true, struck: true },
      { text: '~~old~~ new', checked: false, struck: false },
      { text: 'plain', checked: false, struck: false },
    ]);
  });

  test('reads comments edited in the browser, which come back with CRLF line endings', () => {
    expect(summary('- [x] one\r\n- [ ] two\r\n')).toEqual([
      { text: 'one', checked: true, struck: false },
      { text: 'two', checked: false, struck: false },
    ]);
  });

  test('the built-in template has the eight deployment-safety items, none ticked', () => {
    const items = parseItems(DEFAULT_TEMPLATE);
    expect(items).toHaveLength(8);
    expect(items.every((i) => !i.checked && !i.struck)).toBe(true);
    const text = items.map((i) => i.key).join('\n');
    for (const topic of [
      'unit and integration tests',
      'commands run',
      'monitoring and alarms',
      'resource limits',
      'without triggering alarms',
      'merged right away',
      'already in production',
      'rolled back safely',
    ]) {
      expect(text).toContain(topic);
    }
    expect(DEFAULT_TEMPLATE).toMatch(/### Testing[\s\S]*### Monitoring[\s\S]*### Rollout/);
  });
});

describe('itemKey', () => {
  test('ignores case, emphasis, code ticks, link targets, spacing and trailing punctuation', () => {
    expect(itemKey('**Tests**  were `added`.')).toBe('tests were added');
    expect(itemKey('See [the runbook](https://x/y) first:')).toBe('see the runbook first');
    expect(itemKey('~~Struck~~')).toBe(itemKey('struck'));
  });
});

describe('tally', () => {
  const template = parseItems('- [ ] a\n- [ ] b\n- [ ] c\n- [ ] ~~retired~~');

  test('counts ticked items; struck-through items do not count', () => {
    const counted = tally(template, parseItems('- [x] a\n- [ ] b\n- [x] c\n- [x] ~~retired~~'));
    expect(counted).toEqual({ total: 3, checked: 2, complete: false, missing: [] });
    expect(describeTally(counted)).toBe('2 of 3 items ticked');
  });

  test('a reviewer striking an item through in the comment takes it out of the count', () => {
    expect(tally(template, parseItems('- [x] a\n- [ ] ~~b~~\n- [x] c'))).toMatchObject({
      total: 2,
      checked: 2,
      complete: true,
    });
  });

  test('a template item deleted from the comment still counts, as unticked', () => {
    expect(tally(template, parseItems('- [x] a\n- [x] c'))).toEqual({
      total: 3,
      checked: 2,
      complete: false,
      missing: ['b'],
    });
  });

  test('items a reviewer added to the comment count too', () => {
    expect(
      tally(template, parseItems('- [x] a\n- [x] b\n- [x] c\n- [ ] also check the migration')),
    ).toMatchObject({
      total: 4,
      checked: 3,
      complete: false,
    });
  });

  test('uses singular for one item', () => {
    expect(describeTally({ total: 1, checked: 0, complete: false, missing: [] })).toBe('0 of 1 item ticked');
  });
});

describe('renderComment', () => {
  test('starts with the hidden marker and the template hash, then the template unticked', () => {
    const body = renderComment(DEFAULT_TEMPLATE);
    expect(body.startsWith(`${COMMENT_MARKER}\n<!-- safe-deploy:checklist-template sha256:`)).toBe(true);
    expect(commentTemplateHash(body)).toBe(templateHash(DEFAULT_TEMPLATE));
    expect(isCurrent(body, DEFAULT_TEMPLATE)).toBe(true);
    expect(isCurrent(body, `${DEFAULT_TEMPLATE}- [ ] one more\n`)).toBe(false);
    expect(parseItems(body).filter((i) => i.checked)).toEqual([]);
    expect(body).toContain('npm test');
  });

  test('the hash does not change with line endings, so a CRLF checkout is the same template', () => {
    expect(templateHash('- [ ] a\r\n- [ ] b\r\n')).toBe(templateHash('- [ ] a\n- [ ] b\n'));
  });

  test('shows the answers it is given, matched by normalised text, and the state line in the header', () => {
    const template =
      '## New\n- [ ] **Unit tests** added.\n* [ ] New item\n  - [ ] alarms cover it\n- [ ] Left unticked';
    const answers = new Map([
      ['unit tests added', 'checked' as const],
      ['alarms cover it', 'struck' as const],
    ]);
    const body = renderComment(template, '<!-- state -->', (key) => answers.get(key));
    expect(body.split('\n')[2]).toBe('<!-- state -->');
    expect(isCurrent(body, template)).toBe(true);
    expect(summary(body)).toEqual([
      { text: '**Unit tests** added.', checked: true, struck: false },
      { text: 'New item', checked: false, struck: false },
      { text: '~~alarms cover it~~', checked: false, struck: true },
      { text: 'Left unticked', checked: false, struck: false },
    ]);
    expect(tally(parseItems(template), parseItems(body))).toMatchObject({ total: 3, checked: 1 });
  });

  test('an item the template strikes through stays as the template has it', () => {
    const body = renderComment('- [ ] ~~retired~~\n- [ ] live', '', () => 'checked');
    expect(summary(body)).toEqual([
      { text: '~~retired~~', checked: false, struck: true },
      { text: 'live', checked: true, struck: false },
    ]);
  });
});

describe('applyAnswers', () => {
  test('sets boxes and strike-through to the answers and leaves every other byte alone', () => {
    const body = 'Intro [x] not an item\n- [x] a\n- [ ] ~~b~~\n- [ ] c  \n```\n- [x] in a fence\n```\nnotes';
    const answers: Record<string, 'checked' | 'struck'> = { c: 'checked', a: 'struck' };
    expect(applyAnswers(body, (key) => answers[key])).toBe(
      'Intro [x] not an item\n- [ ] ~~a~~\n- [ ] b\n- [x] c\n```\n- [x] in a fence\n```\nnotes',
    );
  });

  test('answersIn reads the first answer of each key, unanswered items included', () => {
    expect([...answersIn('- [x] A\n- [ ] b\n- [ ] ~~c~~\n- [ ] a')]).toEqual([
      ['a', 'checked'],
      ['b', undefined],
      ['c', 'struck'],
    ]);
  });
});

describe('hostile lines', () => {
  test('link labels are read the way GitHub renders them', () => {
    expect(linkLabels('see [the runbook](https://x/y) and [b [c](d) and [e] (f)')).toBe(
      'see the runbook and b [c and [e] (f)',
    );
    expect(itemKey('[Alarms](https://x) cover **it**.')).toBe('alarms cover it');
  });

  test('a 60,000-character line of any shape parses in well under a second', () => {
    const shapes = [
      `- [ ] ${' '.repeat(60_000)}x`,
      `- [ ] ${'['.repeat(60_000)}`,
      `- [ ] ${'[a]('.repeat(15_000)}`,
      `- [ ] ${'. '.repeat(30_000)}x`,
      `- [ ] ~${'~a'.repeat(30_000)}`,
      `${' '.repeat(60_000)}- [x`,
      `- [ ] ${'[](('.repeat(15_000)}`,
    ];
    for (const line of shapes) {
      const started = performance.now();
      parseItems(`${line}\n${line}`);
      applyAnswers(line, () => 'checked');
      expect(performance.now() - started).toBeLessThan(250);
    }
  });
});
