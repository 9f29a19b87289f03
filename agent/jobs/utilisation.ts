const MINUTE = 60_000;

/**
 * Printer utilisation over the last hour: of the time work was waiting (jobs queued, being
 * fetched, ready or printing), the share the printer spent printing. Kept in one-minute buckets.
 */
export class Utilisation {
  private buckets = new Map<number, { work: number; printing: number }>();
  private last: { at: number; work: boolean; printing: boolean } | undefined;

  record(now: number, work: boolean, printing: boolean): void {
    const prev = this.last;
    this.last = { at: now, work, printing };
    if (!prev || now <= prev.at) return;
    // Attribute the interval since the last sample to what was true then, minute by minute.
    let t = prev.at;
    while (t < now) {
      const minute = Math.floor(t / MINUTE);
      const end = Math.min(now, (minute + 1) * MINUTE);
      const b = this.buckets.get(minute) ?? { work: 0, printing: 0 };
      if (prev.work) b.work += end - t;
      if (prev.work && prev.printing) b.printing += end - t;
      this.buckets.set(minute, b);
      t = end;
    }
    const oldest = Math.floor(now / MINUTE) - 60;
    for (const k of this.buckets.keys()) if (k < oldest) this.buckets.delete(k);
  }

  /** null when no work waited in the last hour: nothing to be measured against. */
  share(now: number): number | null {
    const oldest = Math.floor(now / MINUTE) - 60;
    let work = 0;
    let printing = 0;
    for (const [k, b] of this.buckets) {
      if (k < oldest) continue;
      work += b.work;
      printing += b.printing;
    }
    return work === 0 ? null : Math.round((printing / work) * 1000) / 1000;
  }
}
