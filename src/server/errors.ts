/**
 * Errors the API turns into HTTP answers: a bad parameter is a 400 naming the field and why, an
 * unknown table or version a 404. Anything else is a 500 with the message logged.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message, 400);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(message, 404);
  }
}

/** The dashboard's web build (dist/web) is missing: the server can still answer /api. */
export class WebBuildMissingError extends Error {
  constructor(readonly dir: string) {
    super(`the dashboard web build is missing at ${dir}: run npm run build`);
    this.name = 'WebBuildMissingError';
  }
}
