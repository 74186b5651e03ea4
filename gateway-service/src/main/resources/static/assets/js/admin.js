// Admin: every worker instance with pause and resume (POST /api/queue/worker/stop and /start pause or
// resume them all), the parking lot with replay, and the AI service's health.

import {ApiError, json} from './api.js';
import {$, fill, h, say} from './dom.js';
import {time} from './format.js';
import {explain} from './messages.js';

/** After pause or resume, the heartbeats show the new state within a few seconds. */
const SETTLE_CHECKS = 15;
const SETTLE_EVERY_MS = 1000;

export function setUpAdmin() {
  let active = false;

  async function workers() {
    const message = $('#workers-message');
    try {
      const status = await json('/api/queue/worker/status');
      const list = status.workers || [];
      fill($('#workers tbody'), list.length === 0
        ? h('tr', {}, h('td', {colspan: 7}, 'No worker has sent a heartbeat.'))
        : list.map(worker => h('tr', {dataset: {workerId: worker.id, state: worker.state}},
          h('td', {class: 'mono'}, worker.id),
          h('td', {}, worker.kind),
          h('td', {}, h('span', {class: `badge ${worker.state}`}, worker.state)),
          h('td', {class: 'mono'}, worker.currentJob ? h('a', {href: `#/item/${worker.currentJob}`}, worker.currentJob) : '–'),
          h('td', {class: 'num'}, String(worker.processed)),
          h('td', {class: 'num'}, String(worker.failed)),
          h('td', {}, h('time', {datetime: worker.lastHeartbeat, title: worker.lastHeartbeat}, time(worker.lastHeartbeat))))));
      return list;
    } catch (error) {
      say(message, explain(error), 'error');
      return null;
    }
  }

  async function control(action, wanted, button) {
    const message = $('#workers-message');
    button.disabled = true;
    try {
      const answer = await json(`/api/queue/worker/${action}`, {method: 'POST', quiet: true});
      say(message, `${answer.message || 'Sent.'} Waiting for every worker to report ${wanted}…`, 'info');
      for (let i = 0; i < SETTLE_CHECKS && active; i++) {
        const list = await workers();
        if (list && list.length > 0 && list.every(worker => worker.state === wanted)) {
          say(message, `Every worker is ${wanted}.`, 'ok');
          return;
        }
        await new Promise(resolve => setTimeout(resolve, SETTLE_EVERY_MS));
      }
    } catch (error) {
      say(message, explain(error, {403: 'Only an admin key may pause or resume workers.'}), 'error');
    } finally {
      button.disabled = false;
    }
  }

  async function parkingLot() {
    const message = $('#dead-message');
    try {
      const dead = await json('/api/queue/dead');
      say(message, dead.count === 0 ? 'The parking lot is empty.' : `${dead.count} task(s) used all their attempts.`);
      fill($('#dead tbody'), (dead.items || []).map(task => h('tr', {dataset: {queueId: task.queueId}},
        h('td', {}, h('input', {type: 'checkbox', value: task.queueId, 'aria-label': `Select ${task.queueId}`})),
        h('td', {class: 'mono'}, h('a', {href: `#/item/${task.queueId}`}, task.queueId)),
        h('td', {}, task.kind),
        h('td', {class: 'num'}, String(task.attempts)),
        h('td', {}, h('pre', {class: 'error-text'}, task.error || '')),
        h('td', {}, h('time', {datetime: task.dead_at, title: task.dead_at}, time(task.dead_at))))));
    } catch (error) {
      say(message, explain(error, {404: 'This server has no parking lot route.'}), 'error');
    }
  }

  async function replay(body, button) {
    const message = $('#dead-message');
    button.disabled = true;
    try {
      const answer = await json('/api/queue/dead/replay', {method: 'POST', body, quiet: true});
      await parkingLot();
      say(message, `${answer.replayedCount} task(s) sent back to the queue.`, 'ok');
    } catch (error) {
      say(message, explain(error), 'error');
    } finally {
      button.disabled = false;
    }
  }

  async function aiHealth() {
    const message = $('#ai-message');
    let health;
    try {
      health = await json('/api/ai/health', {quiet: true});
      say(message, '');
    } catch (error) {
      // 503 carries the same shape: the vision worker is down
      if (error instanceof ApiError && error.status === 503) {
        say(message, 'The vision worker is down: depth tasks wait in their queue until it is back.', 'error');
        health = {status: 'down', model_status: '–', device: '–', model: '–'};
      } else {
        say(message, explain(error), 'error');
        return;
      }
    }
    fill($('#ai-health'), ['status', 'service', 'model', 'model_status', 'device', 'error']
      .filter(name => health[name] !== undefined && health[name] !== null)
      .map(name => [h('dt', {}, name.replace('_', ' ')), h('dd', {}, String(health[name]))]));
  }

  $('#pause-workers').addEventListener('click', event => control('stop', 'paused', event.currentTarget));
  $('#resume-workers').addEventListener('click', event => control('start', 'running', event.currentTarget));
  $('#replay-selected').addEventListener('click', event => {
    const queueIds = [...document.querySelectorAll('#dead tbody input:checked')].map(box => box.value);
    if (queueIds.length === 0) {
      say($('#dead-message'), 'Select the tasks to replay first.', 'error');
      return;
    }
    replay({queueIds}, event.currentTarget);
  });
  $('#replay-all').addEventListener('click', event => replay({all: true}, event.currentTarget));

  return {
    show() {
      active = true;
      workers();
      parkingLot();
      aiHealth();
    },
    hide() {
      active = false;
    },
  };
}
