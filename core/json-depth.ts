/**
 * How deep JSON text nests, counted without parsing it: whoever takes JSON from outside (the
 * dashboard's messages, both pages' bodies) refuses text nested past a few levels before
 * JSON.parse sees it, since a deep value makes the parse, and any later JSON.stringify of it,
 * run out of stack.
 */

/** The deepest nesting of objects and lists in JSON text; counting stops once past `stopAt`. */
export function jsonDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > stopAt) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
