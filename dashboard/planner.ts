/**
 * One planner for every suggestion to move stock (the province's lending between stations, the
 * nation's allocation between offices): the most urgent want first, its candidates nearest
 * first, and each lender's spare handed out once, so one well-stocked lender is not offered to
 * everyone for the same cards. What a lender gives comes only out of its spare (what it holds
 * beyond its own need), in whole steps (a box of blanks) where asked.
 */
export interface Give<O> {
  offer: O;
  give: number;
  /** The lender's spare before this give. */
  spare: number;
}

export interface Allotted<W, O> {
  want: W;
  gives: Give<O>[];
  /** What is still short after every give. */
  left: number;
}

export interface AllocateOptions<W, O> {
  /** What the want lacks (> 0). */
  need: (w: W) => number;
  /** Its candidates, nearest first. */
  candidates: (w: W) => readonly O[];
  key: (o: O) => string;
  /** Each lender's spare, by key: drawn down as it is handed out. */
  spare: Map<string, number>;
  /** A candidate that is the want itself. */
  self?: (w: W, o: O) => boolean;
  /** At most this many lenders a want. */
  most?: number;
  /** Gives in whole multiples of this (a box of blanks); 1 when left out. */
  step?: (o: O) => number;
}

/** `wants` in the order given (most urgent first). */
export function allocate<W, O>(wants: readonly W[], o: AllocateOptions<W, O>): Allotted<W, O>[] {
  return wants.map((want) => {
    let left = o.need(want);
    const gives: Give<O>[] = [];
    for (const offer of o.candidates(want)) {
      if (left <= 0 || gives.length === (o.most ?? Infinity)) break;
      if (o.self?.(want, offer)) continue;
      const key = o.key(offer);
      const spare = o.spare.get(key) ?? 0;
      const step = o.step?.(offer) ?? 1;
      // Whole steps out of the spare, enough to cover what is left (the last box may round it up).
      const give = Math.min(Math.floor(spare / step), Math.ceil(left / step)) * step;
      if (give <= 0) continue;
      o.spare.set(key, spare - give);
      left -= give;
      gives.push({ offer, give, spare });
    }
    return { want, gives, left: Math.max(0, left) };
  });
}
