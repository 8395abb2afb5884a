// The one place where failures coming out of the wasm module become JS errors.
//
// The bindings throw plain data objects (`{ code, message, ...details }`) because a Rust value cannot carry a JS
// stack; turning them into `Error` subclasses here gives callers a stack, `instanceof` and `name`.

const DETAIL_FIELDS = [
  'claim',
  'reason',
  'expected',
  'actual',
  'kid',
  'alg',
  'path',
  'line',
  'column',
  'position',
  'status',
  'url',
];

export class OidcTrustError extends Error {
  /**
   * @param {string} code stable error code (`ERR_JWT_EXPIRED`, …)
   * @param {string} message
   * @param {object} [details] any of claim, reason, expected, actual, kid, alg, path, line, column, position, cause
   */
  constructor(code, message, details = {}) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    this.code = code;
    for (const field of DETAIL_FIELDS) {
      if (details[field] !== undefined && details[field] !== null) this[field] = details[field];
    }
  }

  get name() {
    return 'OidcTrustError';
  }

  /** A plain, JSON-friendly copy (`message` included, which `JSON.stringify(error)` would drop). */
  toJSON() {
    const out = { name: this.name, code: this.code, message: this.message };
    for (const field of DETAIL_FIELDS) if (this[field] !== undefined) out[field] = this[field];
    return out;
  }
}

function isErrorData(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Error) &&
    typeof value.code === 'string' &&
    typeof value.message === 'string'
  );
}

/** Maps anything thrown by the wasm module (or the glue) to an `OidcTrustError`. */
export function toOidcTrustError(thrown) {
  if (thrown instanceof OidcTrustError) return thrown;
  if (isErrorData(thrown)) return new OidcTrustError(thrown.code, thrown.message, thrown);
  // A trap (WebAssembly.RuntimeError) or a glue failure is a bug in this package, never a verdict on the input.
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new OidcTrustError('ERR_INTERNAL', `internal error in oidc-trust: ${message}`, { cause: thrown });
}

export function invalidArgument(message, details) {
  return new OidcTrustError('ERR_INVALID_ARGUMENT', message, details);
}
