// Image references, checked without reading any file: the deploy's input parsing uses this before
// anything heavier loads.

/**
 * What is wrong with an image reference, or `undefined`: ECS allows letters, digits, `-_:./#` and a
 * digest after `@`, up to 255 characters; a digest must be `sha256:` and 64 lowercase hex digits.
 */
export function imageProblem(image: string): string | undefined {
  if (!image) return 'an image reference cannot be empty';
  if (/\s/.test(image)) return 'an image reference has no spaces';
  if (image.length > 255) return `an image reference has at most 255 characters (this one ${image.length})`;
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (!name) return 'the image name before "@" is missing';
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      return `the digest ${JSON.stringify(digest)} is not sha256: followed by 64 lowercase hex digits`;
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_\-:./#]*$/.test(name)) {
    return 'an image reference has only letters, digits and - _ : . / # (and @sha256:<digest>)';
  }
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0 && !/^[\w][\w.-]{0,127}$/.test(last.slice(colon + 1))) {
    return `the tag ${JSON.stringify(last.slice(colon + 1))} is not valid (letters, digits, _ . -, up to 128)`;
  }
  return undefined;
}

/** True when an image reference is pinned by digest (`name@sha256:<64 hex>`). */
export function isPinned(image: string): boolean {
  return imageDigest(image) !== undefined;
}

/** The `sha256:<hex>` digest an image reference is pinned to, if it is. */
export function imageDigest(image: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
}
