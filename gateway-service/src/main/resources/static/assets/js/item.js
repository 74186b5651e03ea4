// One job: its facts, every variant, the depth map in a colour map (with a toggle against the photo),
// the attempts log with errors in full, and the actions retry, cancel, redo and delete.

import {blob, call, imageUrl, json} from './api.js';
import {colourise, legendGradient} from './colormap.js';
import {$, fill, h, say} from './dom.js';
import {bytes, duration, FINAL_STATUSES, OPERATIONS, time} from './format.js';
import {follow} from './live.js';
import {explain} from './messages.js';
import {badge} from './queue.js';

const VARIANTS = ['thumbnail', 'blur', 'low-quality'];
const DELETE_UNAVAILABLE = 'Not found: it is already gone, or this server cannot delete media yet.';
const REDO_UNAVAILABLE = 'Not found: this job is gone, or this server cannot redo operations yet.';

export function setUpItem() {
  const body = $('#item-body');
  const message = $('#item-message');
  const images = new Map();
  let current = null;
  let follower = null;
  let reloadTimer = null;
  let showDepth = true;
  let rendered = null;

  async function show(queueId) {
    hide();
    current = queueId;
    rendered = null;
    say(message, '');
    fill(body);
    $('#item-title').textContent = 'Job';
    await load(queueId);
  }

  async function load(queueId) {
    let item;
    try {
      item = await json(`/api/queue/items/${queueId}`, {quiet: true});
    } catch (e) {
      if (current === queueId) {
        fill(body);
        say(message, e.status === 404 ? `There is no job ${queueId} for this key.` : explain(e), 'error');
      }
      return;
    }
    if (current !== queueId) {
      return;
    }
    // a change that changed nothing shown (progress) leaves the page, and a half-done action on it, alone
    const seen = JSON.stringify(item);
    if (seen !== rendered) {
      rendered = seen;
      render(item);
    }
    if (!FINAL_STATUSES.has(item.status) && !follower) {
      follower = follow(queueId, change => {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => load(queueId), FINAL_STATUSES.has(change.status) ? 0 : 300);
        if (FINAL_STATUSES.has(change.status)) {
          follower = null;
        }
      });
    }
  }

  function hide() {
    current = null;
    clearTimeout(reloadTimer);
    if (follower) {
      follower.close();
      follower = null;
    }
  }

  function render(item) {
    $('#item-title').textContent = item.original_filename || item.id;
    const results = item.results || {};
    fill(body,
      h('div', {class: 'item-head'}, badge(item.status), actions(item)),
      h('div', {class: 'item-grid'},
        h('section', {class: 'card', 'aria-labelledby': 'facts-title'},
          h('h3', {id: 'facts-title'}, 'Details'), facts(item)),
        h('section', {class: 'card', 'aria-labelledby': 'depth-title'},
          h('h3', {id: 'depth-title'}, 'Depth map'), depth(item, results))),
      h('section', {class: 'card', 'aria-labelledby': 'variants-title'},
        h('h3', {id: 'variants-title'}, 'Variants'), variants(item, results)),
      h('section', {class: 'card', 'aria-labelledby': 'attempts-title'},
        h('h3', {id: 'attempts-title'}, 'Attempts'), attempts(item)),
      redo(item));
  }

  function facts(item) {
    const rows = [
      ['Status', item.status],
      ['Queue id', item.id],
      ['Media item', item.media_item_id],
      ['Type', item.media_type],
      ['Size', `${bytes(item.file_size)} (${item.file_size} bytes)`],
      ['Priority', item.priority],
      ['Attempts', `${item.attempts} of ${item.max_attempts}`],
      ['Operations', (item.operations || []).join(', ')],
      ['Queued', item.queued_at && `${time(item.queued_at)} (${item.queued_at})`],
      ['Started', item.started_at && `${time(item.started_at)} (${item.started_at})`],
      ['Finished', item.completed_at && `${time(item.completed_at)} (${item.completed_at})`],
      ['Duration', duration(item.duration_ms)],
      ['SHA-256', item.sha256],
      ['Project', item.project_id],
      ['Batch', item.batch_id],
    ].filter(([, value]) => value !== null && value !== undefined && value !== '');
    const list = h('dl', {class: 'facts'}, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, String(value))]));
    if (item.last_error) {
      list.append(h('dt', {}, 'Last error'), h('dd', {}, h('pre', {class: 'error-text'}, item.last_error)));
    }
    return list;
  }

  function cached(url, result, make) {
    const key = `${url}#${result.bytes}x${result.width}`;
    if (!images.has(key)) {
      images.set(key, make().catch(error => {
        images.delete(key);
        throw error;
      }));
    }
    return images.get(key);
  }

  function image(result, alt, className) {
    const img = h('img', {alt, class: className, width: result.width, height: result.height});
    cached(result.url, result, () => imageUrl(result.url, {quiet: true}))
      .then(url => {
        img.src = url;
      })
      .catch(error => img.replaceWith(h('p', {class: 'message error'}, explain(error))));
    return img;
  }

  function variants(item, results) {
    const figures = VARIANTS.filter(name => results[name]).map(name => {
      const result = results[name];
      return h('figure', {class: 'variant'},
        image(result, `${name} of ${item.original_filename || 'the file'}`, `variant variant-${name}`),
        h('figcaption', {}, h('strong', {}, name), ` ${result.width}×${result.height}, ${bytes(result.bytes)}`));
    });
    if (figures.length === 0) {
      return h('p', {class: 'hint'}, FINAL_STATUSES.has(item.status) ? 'No variants were made.' : 'Not made yet.');
    }
    return h('div', {class: 'variants'}, figures);
  }

  function depth(item, results) {
    const result = results.depth;
    if (!result) {
      return h('p', {class: 'hint'}, (item.operations || []).includes('depth')
        ? (FINAL_STATUSES.has(item.status) ? 'No depth map was made.' : 'Not made yet.')
        : 'Depth was not asked for.');
    }
    const photoResult = results['low-quality'] || results.thumbnail;
    const coloured = h('img', {alt: `Depth map of ${item.original_filename || 'the file'}, near is red, far is blue`,
      class: 'depth-map', width: result.width, height: result.height});
    cached(result.url, result, async () => URL.createObjectURL(await colourise(await blob(result.url, {quiet: true}))))
      .then(url => {
        coloured.src = url;
      })
      .catch(error => coloured.replaceWith(h('p', {class: 'message error'}, explain(error))));
    const photo = photoResult
      ? image(photoResult, `Photo of ${item.original_filename || 'the file'}`, 'depth-photo')
      : null;
    const depthButton = h('button', {type: 'button', class: 'toggle', 'aria-pressed': 'true'}, 'Depth');
    const photoButton = h('button', {type: 'button', class: 'toggle', 'aria-pressed': 'false', disabled: !photo}, 'Photo');
    const apply = () => {
      coloured.hidden = !showDepth;
      if (photo) {
        photo.hidden = showDepth;
      }
      depthButton.setAttribute('aria-pressed', String(showDepth));
      photoButton.setAttribute('aria-pressed', String(!showDepth));
    };
    depthButton.addEventListener('click', () => {
      showDepth = true;
      apply();
    });
    photoButton.addEventListener('click', () => {
      showDepth = false;
      apply();
    });
    const legend = h('div', {class: 'legend-bar', 'aria-hidden': 'true'});
    legend.style.background = legendGradient();
    const figure = h('figure', {class: 'depth'},
      h('div', {class: 'toggles', role: 'group', 'aria-label': 'Show'}, depthButton, photoButton),
      h('div', {class: 'depth-stack'}, coloured, photo),
      h('figcaption', {},
        h('div', {class: 'legend'}, h('span', {}, 'far'), legend, h('span', {}, 'near')),
        `${result.width}×${result.height}, ${bytes(result.bytes)}${result.model ? `, model ${result.model}` : ''}. `,
        h('a', {href: '#', onclick: event => download(event, result.url, `${item.media_item_id}-depth.png`)},
          'Download the 16-bit PNG')));
    apply();
    return figure;
  }

  async function download(event, url, filename) {
    event.preventDefault();
    try {
      const link = h('a', {href: URL.createObjectURL(await blob(url)), download: filename});
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) {
      say(message, explain(error), 'error');
    }
  }

  function attempts(item) {
    const log = item.attempts_log || [];
    if (log.length === 0) {
      return h('p', {class: 'hint'}, 'No attempt yet.');
    }
    return h('div', {class: 'table-wrap'}, h('table', {class: 'attempts-log'},
      h('caption', {class: 'visually-hidden'}, 'Every attempt of every task'),
      h('thead', {}, h('tr', {}, ['Task', 'Run', 'Attempt', 'Started', 'Ended', 'Outcome', 'Error']
        .map(name => h('th', {scope: 'col'}, name)))),
      h('tbody', {}, log.map(attempt => h('tr', {dataset: {outcome: attempt.outcome || 'running'}},
        h('td', {}, attempt.kind),
        h('td', {class: 'num'}, attempt.run ?? ''),
        h('td', {class: 'num'}, attempt.attempt),
        h('td', {}, h('time', {datetime: attempt.started_at, title: attempt.started_at}, time(attempt.started_at))),
        h('td', {}, attempt.ended_at
          ? h('time', {datetime: attempt.ended_at, title: attempt.ended_at}, time(attempt.ended_at)) : ''),
        h('td', {}, attempt.outcome ? badge(attempt.outcome) : badge('processing')),
        h('td', {}, attempt.error ? h('pre', {class: 'error-text'}, attempt.error) : ''))))));
  }

  function actions(item) {
    const final = FINAL_STATUSES.has(item.status);
    const retryable = item.status === 'failed' || item.status === 'cancelled';
    const remove = h('button', {type: 'button', class: 'danger', id: 'delete-item'}, 'Delete');
    let armed = false;
    remove.addEventListener('click', () => {
      if (!armed) {
        armed = true;
        remove.textContent = 'Really delete? Click again';
        return;
      }
      act(remove, () => call(`/api/media/${item.media_item_id}`, {method: 'DELETE', quiet: true}),
        () => {
          say(message, 'Deleted: the media item, its files and its jobs are gone.', 'ok');
          fill(body);
        }, {404: DELETE_UNAVAILABLE, 405: DELETE_UNAVAILABLE});
    });
    return h('div', {class: 'actions'},
      h('button', {type: 'button', id: 'retry-item', disabled: !retryable,
        onclick: event => act(event.currentTarget,
          () => call(`/api/queue/items/${item.id}/retry`, {method: 'POST', quiet: true}),
          () => say(message, 'Sent back to the queue; attempts start again.', 'ok'),
          {409: 'Only a failed or cancelled job can be retried.'})}, 'Retry'),
      h('button', {type: 'button', id: 'cancel-item', class: 'secondary', disabled: final,
        onclick: event => act(event.currentTarget,
          () => call(`/api/queue/items/${item.id}/cancel`, {method: 'POST', quiet: true}),
          () => say(message, 'Cancelled.', 'ok'),
          {409: 'This job has already finished; there is nothing to cancel.'})}, 'Cancel'),
      remove);
  }

  function redo(item) {
    const boxes = OPERATIONS.map(operation => h('label', {},
      h('input', {type: 'checkbox', name: 'redo-operation', value: operation,
        checked: (item.operations || []).includes(operation)}), ` ${operation}`));
    const button = h('button', {type: 'submit', id: 'redo-item'}, 'Redo these operations');
    const form = h('form', {class: 'card redo', 'aria-labelledby': 'redo-title'},
      h('h3', {id: 'redo-title'}, 'Redo'),
      h('p', {class: 'hint'}, 'Runs the chosen operations again as a new job; the other results stay.'),
      h('fieldset', {class: 'operations'}, h('legend', {}, 'Operations'), boxes),
      button);
    form.addEventListener('submit', event => {
      event.preventDefault();
      const operations = [...form.querySelectorAll('input:checked')].map(box => box.value);
      if (operations.length === 0) {
        say(message, 'Choose at least one operation to redo.', 'error');
        return;
      }
      act(button, () => json('/api/queue/redo', {method: 'POST', body: {queueId: item.id, operations}, quiet: true}),
        answer => {
          message.hidden = false;
          message.className = 'message ok';
          fill(message, `Redo queued as a new job: `, h('a', {href: `#/item/${answer.jobId}`}, answer.jobId));
        }, {404: REDO_UNAVAILABLE, 405: REDO_UNAVAILABLE});
    });
    return form;
  }

  /** Runs an action with its button disabled meanwhile; says what happened; reads the job again. */
  async function act(button, perform, done, overrides) {
    button.disabled = true;
    say(message, '');
    const queueId = current;
    try {
      const answer = await perform();
      done(answer);
      if (queueId && body.childElementCount > 0) {
        await load(queueId);
      }
    } catch (error) {
      say(message, explain(error, overrides), 'error');
      button.disabled = false;
    }
  }

  return {show, hide};
}
