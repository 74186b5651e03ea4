// Metrics: GET /api/queue/metrics over 24h, 7d or 30d, as counters and a bar chart drawn as inline SVG
// (hours for a day, 6-hour blocks for a week, days for a month).

import {json} from './api.js';
import {$, fill, h, say} from './dom.js';
import {duration, percent} from './format.js';
import {explain} from './messages.js';

const HOUR = 3600 * 1000;
const RANGES = {
  '24h': {buckets: 24, size: HOUR, label: date => `${String(date.getHours()).padStart(2, '0')}:00`},
  '7d': {buckets: 28, size: 6 * HOUR, label: date => date.toLocaleDateString([], {weekday: 'short'})},
  '30d': {buckets: 30, size: 24 * HOUR, label: date => date.toLocaleDateString([], {day: 'numeric', month: 'short'})},
};

export function setUpMetrics() {
  let range = '24h';
  const buttons = document.querySelectorAll('#view-metrics [data-range]');
  for (const button of buttons) {
    button.addEventListener('click', () => {
      range = button.dataset.range;
      buttons.forEach(b => b.setAttribute('aria-pressed', String(b === button)));
      load();
    });
  }

  async function load() {
    const message = $('#metrics-message');
    try {
      const {stats} = await json(`/api/queue/metrics?timeRange=${range}`);
      say(message, '');
      cards(stats);
      fill($('#metrics-chart'), chart(stats.hourlyBreakdown || [], RANGES[range]));
    } catch (error) {
      say(message, explain(error), 'error');
    }
  }

  return {show: load, hide() {}};
}

function cards(stats) {
  const finished = (stats.hourlyBreakdown || []).reduce((sum, b) => sum + b.completed + b.failed, 0);
  fill($('#metrics-cards'), [
    ['success rate', finished ? percent(stats.successRate) : '–'],
    ['finished', String(finished)],
    ['average', duration(stats.avgDuration) || '–'],
    ['fastest', duration(stats.minDuration) || '–'],
    ['slowest', duration(stats.maxDuration) || '–'],
  ].map(([label, value]) => h('li', {class: 'stat'},
    h('span', {class: 'stat-count'}, value), h('span', {class: 'stat-label'}, label))));
}

/** Stacked bars (completed below, failed on top) per bucket, ending with the current one. */
export function chart(hourly, {buckets, size, label}) {
  const now = Date.now();
  const end = Math.floor(now / size) * size + size;
  const start = end - buckets * size;
  const bars = Array.from({length: buckets}, (_, i) => ({from: start + i * size, completed: 0, failed: 0}));
  for (const hour of hourly) {
    const at = Date.parse(hour.hour);
    const index = Math.floor((at - start) / size);
    if (index >= 0 && index < buckets) {
      bars[index].completed += hour.completed;
      bars[index].failed += hour.failed;
    }
  }
  const width = 720;
  const height = 240;
  const left = 36;
  const bottom = 24;
  const top = 10;
  const plot = height - bottom - top;
  const max = Math.max(1, ...bars.map(b => b.completed + b.failed));
  const step = (width - left) / buckets;
  const y = value => top + plot - (value / max) * plot;
  const total = bars.reduce((sum, b) => sum + b.completed + b.failed, 0);
  const every = Math.ceil(buckets / 8);
  return h('svg', {viewBox: `0 0 ${width} ${height}`, class: 'bars', role: 'img',
      'aria-label': `${total} jobs finished in this range; the busiest period had ${total === 0 ? 0 : max}`},
    h('line', {x1: left, y1: top + plot, x2: width, y2: top + plot, class: 'axis'}),
    h('line', {x1: left, y1: top, x2: width, y2: top, class: 'grid'}),
    h('text', {x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'tick'}, String(max)),
    h('text', {x: left - 6, y: top + plot, 'text-anchor': 'end', class: 'tick'}, '0'),
    bars.map((bar, i) => {
      const x = left + i * step + step * 0.15;
      const w = step * 0.7;
      const from = new Date(bar.from);
      return h('g', {},
        h('title', {}, `${from.toLocaleString()}: ${bar.completed} completed, ${bar.failed} failed`),
        bar.completed ? h('rect', {x, width: w, y: y(bar.completed), height: top + plot - y(bar.completed),
          class: 'completed'}) : null,
        bar.failed ? h('rect', {x, width: w, y: y(bar.completed + bar.failed),
          height: y(bar.completed) - y(bar.completed + bar.failed), class: 'failed'}) : null,
        i % every === 0 ? h('text', {x: x + w / 2, y: height - 6, 'text-anchor': 'middle', class: 'tick'},
          label(from)) : null);
    }));
}
