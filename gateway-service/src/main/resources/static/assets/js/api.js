// The public API (CONTRACT.md section 3) with the key the user typed in. The key lives in this tab's
// session storage only: it goes when the tab closes, and no other site can read it.

const KEY = 'mediaflow.apiKey';
const ROLE = 'mediaflow.role';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  get role() {
    return sessionStorage.getItem(ROLE) || 'user';
  },
  signIn(key, role) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ROLE, role);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ROLE);
  },
};

/** A refused or failed call: the HTTP status (0 when nothing answered) and the contract's error body. */
export class ApiError extends Error {
  constructor(status, code, serverMessage, retryAfter) {
    super(serverMessage || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
    this.retryAfter = retryAfter;
  }

  static unreachable() {
    return new ApiError(0, 'unreachable', null, null);
  }

  /** From a response with an error status; the body is {"error","message"} when the gateway wrote it. */
  static fromBody(status, text, retryAfter) {
    try {
      const body = JSON.parse(text);
      return new ApiError(status, body.error, body.message, retryAfter);
    } catch (e) {
      return new ApiError(status, null, null, retryAfter);
    }
  }

  static async from(response) {
    return ApiError.fromBody(response.status, await response.text().catch(() => ''),
      response.headers.get('Retry-After'));
  }
}

const listeners = new Set();

/** Called with every ApiError, so the page can say once, in one place, that the key or a service is gone. */
export function onApiError(listener) {
  listeners.add(listener);
}

export function reportError(error) {
  listeners.forEach(listener => listener(error));
}

const recoveries = new Set();

/** Called after a call succeeded, so a banner that said a service was down can go. */
export function onApiOk(listener) {
  recoveries.add(listener);
}

export function headers(extra = {}) {
  return {'X-API-Key': session.key || '', ...extra};
}

/** fetch with the key; resolves to the response when it is 2xx, else throws an ApiError. */
export async function call(path, {method = 'GET', body, signal, accept = 'application/json', quiet = false} = {}) {
  const init = {method, signal, cache: 'no-store', headers: headers({Accept: accept})};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    const error = ApiError.unreachable();
    if (!quiet) {
      reportError(error);
    }
    throw error;
  }
  if (!response.ok) {
    const error = await ApiError.from(response);
    if (!quiet) {
      reportError(error);
    }
    throw error;
  }
  recoveries.forEach(listener => listener());
  return response;
}

export async function json(path, options) {
  const response = await call(path, options);
  return response.json();
}

/** An image of the API as an object URL for an img element (which cannot send the key itself). */
export async function imageUrl(path, options) {
  const response = await call(path, {accept: 'image/*', ...options});
  return URL.createObjectURL(await response.blob());
}

export async function blob(path, options) {
  const response = await call(path, {accept: 'image/*', ...options});
  return response.blob();
}
