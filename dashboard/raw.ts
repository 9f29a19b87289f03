/** An answer the server sends as it is (a CSV, a printable page), not as JSON. */
export class Raw {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}
