// Charts drawn as inline SVG (no library, nothing fetched): each has a text alternative and
// its numbers in a table a screen reader or a keyboard user can open.

import { tr } from "./i18n.js";
import { h, number } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

function dataTable(rows) {
  return h("details", {}, h("summary", { text: tr({ id: "Lihat angkanya", en: "Show the numbers" }) }),
    h("table", {}, h("tbody", {}, rows.map(([label, value]) => h("tr", {},
      h("th", { scope: "row", text: label }), h("td", { class: "num", text: number(value) }))))));
}

function described(title, rows, chart) {
  const summary = rows.map(([label, value]) => `${label}: ${number(value)}`).join("; ");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", `${title}. ${summary}`);
  return [chart, dataTable(rows)];
}

// Horizontal bars, one row per [label, value], longest first as given.
export function bars(title, rows) {
  if (!rows.length) return [h("p", { class: "muted", text: tr({ id: "Belum ada data.", en: "No data yet." }) })];
  const row = 34;
  const width = 600;
  const labelWidth = 250;
  const max = Math.max(...rows.map(([, value]) => value), 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${rows.length * row + 4}` });
  rows.forEach(([label, value], i) => {
    const y = i * row + 2;
    const length = Math.max(((width - labelWidth - 70) * value) / max, value ? 2 : 0);
    chart.append(svg("text", { x: 0, y: y + 22 }, label.length > 24 ? `${label.slice(0, 23)}…` : label),
      svg("rect", { class: "bar", x: labelWidth, y: y + 4, width: length, height: row - 10, rx: 2 }),
      svg("text", { x: labelWidth + length + 6, y: y + 22 }, number(value)));
  });
  return described(title, rows, chart);
}

// Columns over time, one per [period, value].
export function columns(title, rows) {
  if (!rows.length) return [h("p", { class: "muted", text: tr({ id: "Belum ada data.", en: "No data yet." }) })];
  const width = 600;
  const height = 180;
  const max = Math.max(...rows.map(([, value]) => value), 1);
  const step = width / rows.length;
  const top = 24;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${top + height + 28}` });
  rows.forEach(([, value], i) => {
    const tall = (height * value) / max;
    chart.append(svg("rect", { class: "bar", x: i * step + 1, y: top + height - tall, width: Math.max(step - 2, 1), height: tall }));
  });
  chart.append(svg("text", { x: 0, y: top + height + 22 }, rows[0][0]),
    svg("text", { x: width, y: top + height + 22, "text-anchor": "end" }, rows[rows.length - 1][0]),
    svg("text", { x: 0, y: 16 }, `max ${number(max)}`));
  return described(title, rows, chart);
}
