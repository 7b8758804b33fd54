import { PlainCommands } from '../../src/cli/terminal.js';

function plain(chunks: string[], debug = false): string {
  let text = '';
  const commands = new PlainCommands((t) => (text += t), debug);
  for (const chunk of chunks) commands.push(chunk);
  commands.flush();
  return text;
}

describe('PlainCommands (what the CLI prints at a terminal instead of workflow commands)', () => {
  it('prints groups as headings and annotations as words, decoding their escapes', () => {
    expect(
      plain([
        '::group::Shift traffic\n',
        'Green takes 10%\n',
        '::endgroup::\n',
        '::warning::two%0Alines 100%25\n',
      ]),
    ).toBe('\n== Shift traffic\nGreen takes 10%\nwarning: two\nlines 100%\n');
    expect(plain(['::error file=a.ts,line=1::bad\n', '::notice::note\n'])).toBe('error: bad\nnotice: note\n');
  });

  it('drops state, outputs and masks, and never prints a masked secret', () => {
    expect(
      plain(['::add-mask::hunter2\n', '::save-state name=deploy::{}\n', '::set-output name=a::b\n']),
    ).toBe('');
  });

  it('shows debug lines only when asked', () => {
    expect(plain(['::debug::detail\n'])).toBe('');
    expect(plain(['::debug::detail\n'], true)).toBe('debug: detail\n');
  });

  it('joins lines split across writes and keeps a last line without a newline', () => {
    expect(plain(['::warn', 'ing::half\nplain', ' tail'])).toBe('warning: half\nplain tail\n');
  });

  it('leaves everything between ::stop-commands:: and its token as it is', () => {
    expect(plain(['::stop-commands::t0k\n', '::warning::literal\n', '::t0k::\n', '::warning::real\n'])).toBe(
      '::warning::literal\nwarning: real\n',
    );
  });

  it('leaves text that only looks like a command alone', () => {
    expect(plain(['a ::warning:: in the middle\n', ':: not one\n'])).toBe(
      'a ::warning:: in the middle\n:: not one\n',
    );
  });
});
