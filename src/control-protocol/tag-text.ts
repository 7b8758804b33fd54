/**
 * Text in ECS tag values. ECS allows 256 characters of letters, digits, spaces and `+ - = . _ : / @`
 * in a value (128 in a key) and 50 tags on a resource. Text within that alphabet is written as it is,
 * so the console shows it plainly; anything else (an alarm name with a comma, an IAM session name) is
 * written as `b64:` and its UTF-8 bytes in base64, whose alphabet ECS allows.
 */

export const MAX_TAGS = 50;
export const MAX_KEY_LENGTH = 128;
export const MAX_VALUE_LENGTH = 256;

const PLAIN = /^[A-Za-z0-9+\-=._:/@]([A-Za-z0-9 +\-=._:/@]*[A-Za-z0-9+\-=._:/@])?$/;
const ENCODED = 'b64:';

/** Whether ECS accepts this text as a tag value unchanged (and it cannot be read as encoded). */
export function isPlainValue(text: string): boolean {
  return text === '' || (PLAIN.test(text) && !text.startsWith(ENCODED));
}

/** The tag value for a text: plain when ECS allows it, else `b64:`-encoded. May exceed 256 characters. */
export function encodeValue(text: string): string {
  return isPlainValue(text) ? text : `${ENCODED}${Buffer.from(text, 'utf8').toString('base64')}`;
}

/** The text of a tag value written by `encodeValue`. A malformed encoded value reads as it is. */
export function decodeValue(value: string): string {
  if (!value.startsWith(ENCODED)) return value;
  const body = value.slice(ENCODED.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return value;
  return Buffer.from(body, 'base64').toString('utf8');
}

/**
 * The longest prefix of `text`, cut at a character and ending in `…` when cut, whose encoded value fits
 * in a tag value.
 */
export function fitValue(text: string): string {
  if (encodeValue(text).length <= MAX_VALUE_LENGTH) return encodeValue(text);
  const chars = [...text];
  let low = 0;
  let high = chars.length;
  // Binary search on the cut: encoded length grows with the prefix.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (encodeValue(`${chars.slice(0, mid).join('')}…`).length <= MAX_VALUE_LENGTH) low = mid;
    else high = mid - 1;
  }
  return encodeValue(`${chars.slice(0, low).join('')}…`);
}

/** Throws unless every key and value is within ECS's limits (a programming error, never the user's). */
export function checkTagLimits(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length > MAX_KEY_LENGTH) throw new Error(`tag key ${key} is longer than ${MAX_KEY_LENGTH}`);
    if (value.length > MAX_VALUE_LENGTH || !(isPlainValue(value) || value.startsWith(ENCODED))) {
      throw new Error(`tag ${key} has a value ECS would refuse: ${value}`);
    }
  }
}

/**
 * Whether writing `adding` to a resource that has `existing` tags stays within 50 tags (a key written
 * again replaces its value and takes no new place).
 */
export function roomFor(existing: Record<string, string>, adding: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(existing), ...Object.keys(adding)]);
  return keys.size <= MAX_TAGS;
}
