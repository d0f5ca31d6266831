// Bahasa Indonesia first, English second. Static text is Indonesian in the HTML with its
// English in data-en (data-en-placeholder, data-en-aria-label for attributes); dynamic text
// is a {id, en} pair passed to tr(). The choice is kept in localStorage.

const KEY = "lapor.lang";
const listeners = [];

export function lang() {
  return localStorage.getItem(KEY) === "en" ? "en" : "id";
}

export function tr(text, vars = {}) {
  const chosen = typeof text === "string" ? text : text[lang()] ?? text.id;
  return chosen.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

function swap(el, attribute, english) {
  const keep = `id${attribute.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;
  const current = attribute === "text" ? el.textContent : el.getAttribute(attribute);
  if (!(keep in el.dataset)) el.dataset[keep] = current ?? "";
  const value = lang() === "en" ? english : el.dataset[keep];
  if (attribute === "text") el.textContent = value;
  else el.setAttribute(attribute, value);
}

export function translate(root = document) {
  document.documentElement.lang = lang();
  for (const el of root.querySelectorAll("[data-en]")) swap(el, "text", el.dataset.en);
  for (const el of root.querySelectorAll("[data-en-placeholder]")) swap(el, "placeholder", el.dataset.enPlaceholder);
  for (const el of root.querySelectorAll("[data-en-aria-label]")) swap(el, "aria-label", el.dataset.enAriaLabel);
  for (const el of root.querySelectorAll("[data-en-title]")) swap(el, "title", el.dataset.enTitle);
}

export function onLanguage(render) {
  listeners.push(render);
}

export function setLang(value) {
  localStorage.setItem(KEY, value);
  translate();
  for (const render of listeners) render();
}
