import {
  COMMENT_MARKER,
  commentTemplateHash,
  describeTally,
  isCurrent,
  itemKey,
  mayHoldChecklist,
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

  test('a changed template keeps the ticks of items still present, matched by normalised text', () => {
    const v1 = '## Old\n- [ ] Unit tests added\n- [ ] Alarms cover it\n- [ ] Old item\n- [ ] Left unticked';
    const v2 =
      '## New\n- [ ] **Unit tests** added.\n* [ ] New item\n  - [ ] alarms cover it\n- [ ] Left unticked';
    const ticked = renderComment(v1)
      .replace(/\[ \] (Unit|Alarms|Old)/g, '[x] $1')
      .replace(/\n/g, '\r\n');
    const merged = renderComment(v2, ticked);
    expect(isCurrent(merged, v2)).toBe(true);
    expect(merged).toContain('## New');
    expect(summary(merged)).toEqual([
      { text: '**Unit tests** added.', checked: true, struck: false },
      { text: 'New item', checked: false, struck: false },
      { text: 'alarms cover it', checked: true, struck: false },
      { text: 'Left unticked', checked: false, struck: false },
    ]);
    expect(merged).not.toContain('Old item');
  });

  test('an item struck through as not applicable stays struck through, and out of the count', () => {
    const v1 = '- [ ] Dependent changes are in production\n- [ ] Rolled back safely';
    const v2 = '- [ ] Dependent changes are in production\n- [ ] Rolled back safely\n- [ ] New item';
    const answered = renderComment(v1)
      .replace('[ ] Dependent changes are in production', '[ ] ~~Dependent changes are in production~~')
      .replace('[ ] Rolled', '[X] Rolled');
    const merged = renderComment(v2, answered);
    expect(summary(merged)).toEqual([
      { text: '~~Dependent changes are in production~~', checked: false, struck: true },
      { text: 'Rolled back safely', checked: true, struck: false },
      { text: 'New item', checked: false, struck: false },
    ]);
    expect(tally(parseItems(v2), parseItems(merged))).toMatchObject({ total: 2, checked: 1 });
  });

  test('a tick inside a code fence of the old comment does not tick anything', () => {
    const old = renderComment('- [ ] a\n```\n- [x] b\n```');
    expect(summary(renderComment('- [ ] a\n- [ ] b', old)).map((i) => i.checked)).toEqual([false, false]);
  });
});

describe('mayHoldChecklist', () => {
  test('the action (a bot) and maintainers may write the checklist; contributors and deleted accounts may not', () => {
    const author = (bot: boolean, association: string) => ({ login: 'someone', bot, association });
    expect(mayHoldChecklist(author(true, 'NONE'))).toBe(true);
    for (const association of ['OWNER', 'MEMBER', 'COLLABORATOR']) {
      expect(mayHoldChecklist(author(false, association))).toBe(true);
    }
    for (const association of ['CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN', 'NONE']) {
      expect(mayHoldChecklist(author(false, association))).toBe(false);
    }
    expect(mayHoldChecklist(undefined)).toBe(false);
  });
});
