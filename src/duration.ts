import { inputError } from './errors.js';

// Hand-written: the libraries on npm (ms, parse-duration) accept fractional, spaced or unit-less text
// that we want to refuse, and none says which part of the text was wrong. The grammar is one regex.
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses `90s`, `5m`, `1h30m`, `0s` into milliseconds; throws a UserError naming the input. */
export function parseDuration(text: string, input: string): number {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (!trimmed || !match || match.slice(1).every((part) => part === undefined)) {
    throw inputError(input, text, 'expected a duration such as 90s, 5m or 1h30m');
  }
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** Formats milliseconds as the shortest `1h30m`, `5m`, `45s` form (rounded down to whole seconds). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}
