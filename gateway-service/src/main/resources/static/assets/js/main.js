// The dashboard's entry: sign-in with an API key, the views behind the hash (#/queue, #/item/{id},
// #/metrics, #/admin), and one banner that says when the key stopped working or a service is down.

import {ApiError, json, onApiError, onApiOk, session} from './api.js';
import {setUpAdmin} from './admin.js';
import {$, say} from './dom.js';
import {setUpItem} from './item.js';
import {setUpMetrics} from './metrics.js';
import {explain} from './messages.js';
import {setUpQueue} from './queue.js';
import {setUpUpload} from './upload.js';

const queue = setUpQueue();
const item = setUpItem();
const metrics = setUpMetrics();
const admin = setUpAdmin();
const views = {queue, item, metrics, admin};
let shown = null;

setUpUpload({onUploaded: () => queue.uploaded()});

function route() {
  const banner = $('#banner');
  if (!session.key) {
    show('login');
    return;
  }
  const [, name = 'queue', id] = location.hash.match(/^#\/([a-z]+)(?:\/([0-9a-fA-F-]+))?/) || [];
  const view = name === 'admin' && session.role !== 'admin' ? 'queue' : (views[name] ? name : 'queue');
  if (banner.dataset.kind === 'auth') {
    say(banner, '');
  }
  show(view, id);
}

function show(name, id) {
  if (shown && views[shown]) {
    views[shown].hide();
  }
  shown = name;
  for (const section of document.querySelectorAll('main > .view')) {
    section.hidden = section.id !== `view-${name}`;
  }
  const signedIn = name !== 'login';
  $('#nav').hidden = !signedIn;
  $('#who').hidden = !signedIn;
  $('#nav-admin').hidden = session.role !== 'admin';
  $('#who-role').textContent = signedIn ? `Signed in with a${session.role === 'admin' ? 'n admin' : ' user'} key` : '';
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name || (name === 'item' && link.dataset.view === 'queue')) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  if (name === 'login') {
    $('#api-key').focus();
  } else if (name === 'item') {
    views.item.show(id);
  } else {
    views[name].show();
  }
}

/** The key is checked with a call every key may make; an admin key is told apart by the parking lot. */
async function signIn(key) {
  const error = $('#login-error');
  say(error, '');
  session.signIn(key, 'user');
  try {
    await json('/api/queue/stats', {quiet: true});
  } catch (e) {
    if (e.status === 401 || e.status === 429 || e.status === 0) {
      session.signOut();
      say(error, e.status === 401
        ? 'This API key was not accepted. Check it and try again (keys are case-sensitive).'
        : explain(e), 'error');
      return;
    }
    // a service behind the gateway is down: the key itself passed the gateway, so go on and say so
    showProblem(e);
  }
  try {
    await json('/api/queue/dead', {quiet: true});
    session.signIn(key, 'admin');
  } catch (e) {
    session.signIn(key, 'user');
  }
  $('#api-key').value = '';
  if (!location.hash || location.hash === '#/' || location.hash === '#') {
    location.hash = '#/queue'; // hashchange shows it
  } else {
    route();
  }
}

/** What the page says once when a call fails for a reason no single view can fix. */
async function showProblem(error) {
  const banner = $('#banner');
  if (error.status === 401) {
    session.signOut();
    banner.dataset.kind = 'auth';
    say(banner, 'The API key is no longer accepted. Sign in again.', 'error');
    route();
    return;
  }
  if (error.status !== 0 && error.status < 500) {
    return;
  }
  banner.dataset.kind = 'down';
  say(banner, explain(error), 'error');
  // which dependency: /health needs no key
  try {
    const response = await fetch('/health', {cache: 'no-store'});
    const health = await response.json();
    const down = Object.entries(health.dependencies || {}).filter(([, state]) => state !== 'up').map(([name]) => name);
    if (down.length > 0) {
      say(banner, `${explain(error)} Down now: ${down.join(', ')}.`, 'error');
    }
  } catch (e) {
    // the gateway itself is unreachable; the message already says so
  }
}

onApiError(error => {
  if (error instanceof ApiError) {
    showProblem(error);
  }
});

onApiOk(() => {
  const banner = $('#banner');
  if (banner.dataset.kind === 'down' && !banner.hidden) {
    say(banner, '');
  }
});

$('#login-form').addEventListener('submit', event => {
  event.preventDefault();
  const key = $('#api-key').value.trim();
  if (key) {
    signIn(key);
  }
});
$('#sign-out').addEventListener('click', () => {
  session.signOut();
  say($('#banner'), '');
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
