// Small DOM helpers. Text always goes in as text (textContent), never as markup: filenames and
// error messages come from users and servers.

/** h('a', {href: '#/x', class: 'y', onclick: fn, dataset: {id: 1}}, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = tag === 'svg' || SVG_TAGS.has(tag)
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

const SVG_TAGS = new Set(['g', 'rect', 'line', 'text', 'title', 'path', 'polyline']);

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Shows a message in a message element (or hides it when text is empty); kind: error, ok or info. */
export function say(element, text, kind = 'info') {
  element.hidden = !text;
  element.textContent = text || '';
  element.classList.remove('error', 'ok', 'info');
  element.classList.add(kind);
}
