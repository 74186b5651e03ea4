// The contract's errors as sentences a person can act on. The server's own message follows, since it
// says exactly what was wrong (e.g. the size limit in bytes).

const BY_STATUS = {
  0: 'The gateway cannot be reached. Is mediaflow running? (scripts/local status)',
  400: 'The server refused the request.',
  401: 'This API key was not accepted. Sign in again with a valid key.',
  403: 'This needs an admin key.',
  404: 'Not found. It was deleted, belongs to another key, or this server does not offer this action yet.',
  405: 'This server does not offer this action.',
  408: 'The upload was too slow and was cut off.',
  409: 'Not possible in the job\'s current state.',
  413: 'The file is too large.',
  415: 'This file type is not supported.',
  422: 'The file cannot be processed.',
  429: 'Too many requests. Wait a moment, then try again.',
  431: 'The request headers are too large.',
  500: 'The server failed while handling this.',
  502: 'A service behind the gateway is not answering.',
  503: 'A service behind the gateway is down or overloaded.',
  504: 'A service behind the gateway took too long to answer.',
  507: 'The server is out of disk space; nothing was stored.',
};

/**
 * @param error an ApiError (or anything thrown)
 * @param overrides per status, the sentence for this action (e.g. 409 on retry)
 */
export function explain(error, overrides = {}) {
  if (!error || error.status === undefined) {
    return `Something went wrong in the page: ${error && error.message ? error.message : error}`;
  }
  const summary = overrides[error.status] || BY_STATUS[error.status]
    || (error.status >= 500 ? BY_STATUS[500] : `The server answered ${error.status}.`);
  const details = [];
  if (error.serverMessage) {
    details.push(capitalise(error.serverMessage));
  }
  if (error.status === 429 && error.retryAfter) {
    details.push(`Try again in ${error.retryAfter} s.`);
  }
  const code = error.code && error.status ? ` [${error.status} ${error.code}]` : '';
  return `${summary}${details.length ? ' ' + details.map(endSentence).join(' ') : ''}${code}`;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function endSentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
