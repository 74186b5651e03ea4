// Upload: files dropped on the zone or chosen with the file input go to POST /api/media/upload, two at a
// time, each with its own progress bar (XMLHttpRequest: fetch reports no upload progress).

import {ApiError, reportError, session} from './api.js';
import {$, h, say} from './dom.js';
import {bytes} from './format.js';
import {explain} from './messages.js';

const PARALLEL = 2;

export function setUpUpload({onUploaded}) {
  const zone = $('#drop-zone');
  const input = $('#file-input');
  const list = $('#upload-list');
  const message = $('#upload-message');
  const waiting = [];
  let running = 0;

  const operations = () => [...document.querySelectorAll('input[name="operation"]:checked')].map(box => box.value);

  function enqueue(files) {
    const chosen = operations();
    if (chosen.length === 0) {
      say(message, 'Choose at least one operation.', 'error');
      return;
    }
    say(message, '');
    for (const file of files) {
      const progress = h('progress', {max: 100, value: 0, 'aria-label': `Upload of ${file.name}`});
      const status = h('span', {class: 'upload-status'}, 'waiting');
      const entry = h('li', {class: 'upload-entry', dataset: {state: 'waiting'}},
        h('span', {class: 'upload-name'}, file.name), h('span', {class: 'upload-size'}, bytes(file.size)),
        progress, status);
      list.prepend(entry);
      waiting.push({file, operations: chosen, entry, progress, status});
    }
    next();
  }

  function next() {
    while (running < PARALLEL && waiting.length > 0) {
      running++;
      send(waiting.shift()).finally(() => {
        running--;
        next();
      });
    }
  }

  function send({file, operations: chosen, entry, progress, status}) {
    return new Promise(resolve => {
      const form = new FormData();
      form.append('operations', chosen.join(','));
      form.append('media', file, file.name);
      const request = new XMLHttpRequest();
      request.open('POST', '/api/media/upload');
      request.setRequestHeader('X-API-Key', session.key || '');
      request.setRequestHeader('Accept', 'application/json');
      request.upload.addEventListener('progress', event => {
        if (event.lengthComputable) {
          progress.value = Math.round(100 * event.loaded / event.total);
          status.textContent = `${progress.value} %`;
        }
      });
      request.addEventListener('load', () => {
        if (request.status === 202) {
          const body = JSON.parse(request.responseText);
          progress.value = 100;
          entry.dataset.state = 'done';
          status.replaceChildren(body.status === 'pending' ? 'uploaded, waiting for the broker · ' : 'uploaded · ',
            h('a', {href: `#/item/${body.queueId}`}, 'open'));
          onUploaded(body);
        } else {
          fail(ApiError.fromBody(request.status, request.responseText, request.getResponseHeader('Retry-After')));
        }
        resolve();
      });
      request.addEventListener('error', () => {
        fail(ApiError.unreachable());
        resolve();
      });
      request.addEventListener('abort', () => resolve());

      function fail(error) {
        entry.dataset.state = 'failed';
        progress.value = 0;
        status.textContent = explain(error);
        status.setAttribute('role', 'alert');
        if (error.status === 0 || error.status === 401) {
          reportError(error);
        }
      }

      status.textContent = 'uploading';
      entry.dataset.state = 'uploading';
      request.send(form);
    });
  }

  input.addEventListener('change', () => {
    enqueue([...input.files]);
    input.value = '';
  });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, event => {
      event.preventDefault();
      zone.classList.add('over');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    zone.addEventListener(type, () => zone.classList.remove('over'));
  }
  zone.addEventListener('drop', event => {
    event.preventDefault();
    enqueue([...event.dataTransfer.files]);
  });
}
