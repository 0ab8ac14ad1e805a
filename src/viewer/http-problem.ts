/** A request the viewer refuses, with the status and a message that says what to change. */
export class HttpProblem extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 421,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export function badRequest(message: string): HttpProblem {
  return new HttpProblem(400, message);
}

export function notFound(message: string): HttpProblem {
  return new HttpProblem(404, message);
}
