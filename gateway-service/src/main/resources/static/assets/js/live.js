// Live status of one job: the Server-Sent Events of GET /api/queue/items/{id}/events, read with fetch
// because EventSource cannot send the X-API-Key header. When a stream cannot be had (the gateway's
// per-key stream limit, a proxy that buffers, a network error), the job is polled instead.

import {headers, json} from './api.js';
import {FINAL_STATUSES} from './format.js';

const POLL_EVERY_MS = 3000;
const RECONNECT_AFTER_MS = 1000;
/** The gateway allows 20 streams per key (MEDIAFLOW_MAX_STREAMS_PER_OWNER); leave room for other tabs. */
const MAX_STREAMS = 8;
let openStreams = 0;

/**
 * Follows a job until it is final. onChange gets {status, attempts, progress} as they change.
 * @returns {{close: function(), mode: function(): string}}
 */
export function follow(queueId, onChange) {
  const controller = new AbortController();
  let mode = 'stream';
  let last = null;

  const deliver = change => {
    last = change.status;
    onChange(change);
  };
  const done = () => controller.signal.aborted || FINAL_STATUSES.has(last);

  async function poll() {
    mode = 'poll';
    while (!done()) {
      try {
        const item = await json(`/api/queue/items/${queueId}`, {signal: controller.signal, quiet: true});
        if (item.status !== last) {
          deliver({status: item.status, attempts: item.attempts, progress: null});
        }
      } catch (e) {
        if (e.name === 'AbortError' || e.status === 404 || e.status === 401) {
          return;
        }
      }
      await sleep(POLL_EVERY_MS, controller.signal);
    }
  }

  async function stream() {
    if (openStreams >= MAX_STREAMS) {
      return poll();
    }
    openStreams++;
    let held = true;
    const release = () => {
      if (held) {
        held = false;
        openStreams--;
      }
    };
    let lastEventId = null;
    try {
      while (!done()) {
        const extra = {Accept: 'text/event-stream'};
        if (lastEventId) {
          extra['Last-Event-ID'] = lastEventId;
        }
        let response;
        try {
          response = await fetch(`/api/queue/items/${queueId}/events`,
            {headers: headers(extra), cache: 'no-store', signal: controller.signal});
        } catch (e) {
          if (e.name !== 'AbortError') {
            release();
            await poll();
          }
          return;
        }
        if (!response.ok || !response.body) {
          if (response.status !== 404 && response.status !== 401) {
            release();
            await poll();
          }
          return;
        }
        try {
          await readEvents(response.body, event => {
            if (event.id) {
              lastEventId = event.id;
            }
            if (event.data) {
              const change = JSON.parse(event.data);
              deliver({status: change.status, attempts: change.attempts, progress: change.progress});
            }
          });
        } catch (e) {
          if (e.name === 'AbortError') {
            return;
          }
        }
        if (!done()) {
          // the stream's lifetime ran out, or the connection dropped: go on from the last event seen
          await sleep(RECONNECT_AFTER_MS, controller.signal);
        }
      }
    } finally {
      release();
    }
  }

  stream();
  return {
    close: () => controller.abort(),
    mode: () => mode,
  };
}

/** Reads text/event-stream frames (data, id, event; comments ignored) until the body ends. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = {data: '', id: null, event: null};
      const data = [];
      for (const line of frame.split('\n')) {
        if (!line || line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          data.push(text);
        } else if (field === 'id') {
          event.id = text;
        } else if (field === 'event') {
          event.event = text;
        }
      }
      event.data = data.join('\n');
      if (event.data || event.id) {
        onEvent(event);
      }
    }
  }
}

function sleep(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, {once: true});
  });
}
