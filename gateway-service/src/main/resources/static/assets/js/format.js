// How numbers, sizes and times read on the page.

export function bytes(n) {
  if (n === null || n === undefined) {
    return '';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const s = ms / 1000;
  if (s < 60) {
    return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  }
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A time as the reader's local date and time; the ISO-8601 UTC value goes in the title. */
export function time(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'})
    : date.toLocaleString([], {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
}

export function percent(ratio) {
  return `${(Number(ratio || 0) * 100).toFixed(1)} %`;
}

export const FINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
export const STATUSES = ['pending', 'queued', 'processing', 'completed', 'failed', 'cancelled'];
export const OPERATIONS = ['thumbnail', 'blur', 'low-quality', 'depth'];
