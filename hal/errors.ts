/**
 * What a driver throws when it cannot do its work. `code` is stable for rules and tests;
 * `hint` tells a technician what to check (a cable, a service, a setting).
 */
export class HalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HalError';
  }
}

/** Reject with a HalError if `p` has not settled within `ms`; one hung driver must not stall the loop. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string, hint?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HalError('timeout', `${what} did not answer within ${ms} ms`, hint)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
