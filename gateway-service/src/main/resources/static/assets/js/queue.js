// Queue: the stats counters and the jobs table (filter, the contract's orders, paging). Each row that is
// not final follows its job live (live.js); a row that reaches a final state is read again for its results.

import {imageUrl, json} from './api.js';
import {$, fill, h, say} from './dom.js';
import {bytes, duration, FINAL_STATUSES, STATUSES, time} from './format.js';
import {follow} from './live.js';
import {explain} from './messages.js';

/** Jobs started elsewhere (curl, another tab) appear within this, while the page is visible. */
const REFRESH_EVERY_MS = 30000;

export function setUpQueue() {
  const filters = $('#filters');
  const body = $('#items tbody');
  const message = $('#items-message');
  const state = {status: '', orderBy: 'queued_at', orderDirection: 'DESC', limit: 20, offset: 0, count: 0};
  const followers = new Map();
  const thumbnails = new Map();
  let active = false;
  let loading = null;
  let statsTimer = null;
  let uploadTimer = null;

  function query() {
    const params = new URLSearchParams({limit: state.limit, offset: state.offset, orderBy: state.orderBy,
      orderDirection: state.orderDirection});
    if (state.status) {
      params.set('status', state.status);
    }
    return `/api/queue/items?${params}`;
  }

  async function load() {
    const request = json(query());
    loading = request;
    try {
      const page = await request;
      if (loading !== request) {
        return;
      }
      state.count = page.count;
      render(page.items);
      say(message, page.items.length === 0 ? 'No jobs here yet. Upload a photo or a video above.' : '');
    } catch (e) {
      say(message, explain(e), 'error');
    }
    loadStats();
  }

  async function loadStats() {
    try {
      const {stats} = await json('/api/queue/stats');
      fill($('#stats'), STATUSES.map(status => h('li', {},
        h('button', {type: 'button', class: 'stat', dataset: {status}, 'aria-pressed': String(state.status === status),
            onclick: () => setFilter(state.status === status ? '' : status)},
          h('span', {class: 'stat-count', id: `stat-${status}`}, String(stats[status] ?? 0)),
          h('span', {class: 'stat-label'}, status)))));
    } catch (e) {
      // the table's message already says why
    }
  }

  function statsSoon() {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(loadStats, 400);
  }

  function setFilter(status) {
    state.status = status;
    state.offset = 0;
    filters.elements.status.value = status;
    load();
  }

  function render(items) {
    stopFollowing();
    fill(body, items.map(row));
    for (const item of items) {
      if (!FINAL_STATUSES.has(item.status)) {
        followRow(item.id);
      }
    }
    const first = state.count === 0 ? 0 : state.offset + 1;
    const last = Math.min(state.offset + state.limit, state.count);
    $('#page-info').textContent = `${first}–${last} of ${state.count}`;
    $('#prev-page').disabled = state.offset === 0;
    $('#next-page').disabled = state.offset + state.limit >= state.count;
    for (const th of document.querySelectorAll('#items th[data-order]')) {
      th.setAttribute('aria-sort', th.dataset.order === state.orderBy
        ? (state.orderDirection === 'ASC' ? 'ascending' : 'descending') : 'none');
    }
  }

  function row(item) {
    const tr = h('tr', {dataset: {queueId: item.id, status: item.status}},
      h('td', {class: 'thumb'}, thumbnail(item)),
      h('td', {class: 'file'}, h('a', {href: `#/item/${item.id}`}, item.original_filename || item.id)),
      h('td', {}, item.media_type),
      h('td', {class: 'num'}, bytes(item.file_size)),
      h('td', {class: 'num'}, String(item.priority)),
      h('td', {class: 'status'}, badge(item.status)),
      h('td', {class: 'num attempts'}, `${item.attempts} / ${item.max_attempts}`),
      h('td', {}, h('time', {datetime: item.queued_at, title: item.queued_at}, time(item.queued_at))),
      h('td', {class: 'finished'}, item.completed_at
        ? h('time', {datetime: item.completed_at, title: item.completed_at},
          `${time(item.completed_at)}${item.duration_ms != null ? ` (${duration(item.duration_ms)})` : ''}`)
        : ''));
    return tr;
  }

  function thumbnail(item) {
    const result = item.results && item.results.thumbnail;
    if (!result) {
      return h('span', {class: 'no-thumb', 'aria-hidden': 'true'}, item.media_type === 'video' ? '▶' : '·');
    }
    const img = h('img', {alt: `Thumbnail of ${item.original_filename || 'the file'}`, width: 48, height: 48,
      class: 'thumbnail', loading: 'lazy'});
    const key = item.media_item_id;
    if (!thumbnails.has(key)) {
      thumbnails.set(key, imageUrl(result.url, {quiet: true}).catch(() => {
        thumbnails.delete(key);
        return null;
      }));
    }
    thumbnails.get(key).then(url => {
      if (url) {
        img.src = url;
      }
    });
    return img;
  }

  function followRow(queueId) {
    followers.set(queueId, follow(queueId, change => {
      const tr = body.querySelector(`tr[data-queue-id="${queueId}"]`);
      if (!tr) {
        return;
      }
      tr.dataset.status = change.status;
      fill(tr.querySelector('.status'), badge(change.status, change.progress));
      if (change.attempts !== undefined && change.attempts !== null) {
        const cell = tr.querySelector('.attempts');
        cell.textContent = cell.textContent.replace(/^\d+/, String(change.attempts));
      }
      statsSoon();
      if (FINAL_STATUSES.has(change.status)) {
        followers.delete(queueId);
        json(`/api/queue/items/${queueId}`, {quiet: true})
          .then(item => tr.isConnected && tr.replaceWith(row(item)))
          .catch(() => {});
      }
    }));
  }

  function stopFollowing() {
    followers.forEach(follower => follower.close());
    followers.clear();
  }

  filters.addEventListener('change', () => {
    state.status = filters.elements.status.value;
    state.orderBy = filters.elements.orderBy.value;
    state.orderDirection = filters.elements.orderDirection.value;
    state.limit = Number(filters.elements.limit.value);
    state.offset = 0;
    load();
  });
  filters.addEventListener('submit', event => event.preventDefault());
  for (const th of document.querySelectorAll('#items th[data-order]')) {
    const button = h('button', {type: 'button', class: 'sort'}, th.textContent);
    button.addEventListener('click', () => {
      state.orderDirection = state.orderBy === th.dataset.order && state.orderDirection === 'DESC' ? 'ASC' : 'DESC';
      state.orderBy = th.dataset.order;
      filters.elements.orderBy.value = state.orderBy;
      filters.elements.orderDirection.value = state.orderDirection;
      state.offset = 0;
      load();
    });
    fill(th, button);
  }
  $('#prev-page').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - state.limit);
    load();
  });
  $('#next-page').addEventListener('click', () => {
    state.offset += state.limit;
    load();
  });
  $('#refresh').addEventListener('click', load);
  setInterval(() => {
    if (active && document.visibilityState === 'visible') {
      load();
    }
  }, REFRESH_EVERY_MS);

  return {
    show() {
      active = true;
      load();
    },
    hide() {
      active = false;
      stopFollowing();
    },
    uploaded() {
      clearTimeout(uploadTimer);
      uploadTimer = setTimeout(() => active && load(), 300);
    },
  };
}

export function badge(status, progress) {
  const label = status === 'processing' && progress ? `processing ${progress} %` : status;
  return h('span', {class: `badge ${status}`, dataset: {status}}, label);
}
