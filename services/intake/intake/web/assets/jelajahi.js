// Browsing and searching public reports (GET /api/v1/reports): never confidential ones.

import { api, query } from "./api.js";
import { lang, tr } from "./i18n.js";
import { busy, h, notice, showError, start, STATUSES, statusBadge, when } from "./ui.js";

const form = document.getElementById("search-form");
const list = document.getElementById("results");
const more = document.getElementById("more");
const message = document.getElementById("results-message");
const PAGE = 20;
let offset = 0;
let shown = [];
let latest = 0;

function options(select, entries) {
  select.append(...entries.map(([value, label]) => h("option", { value, text: label })));
}

async function loadFilters() {
  options(form.elements.namedItem("status"), Object.entries(STATUSES).map(([code, label]) => [code, tr(label)]));
  const [provinces, categories] = await Promise.all([api("/api/v1/regions"), api("/api/v1/routing/categories")]);
  options(form.elements.namedItem("region"), [["", tr({ id: "Semua provinsi", en: "All provinces" })],
    ...provinces.regions.map((r) => [r.code, r.name])]);
  options(form.elements.namedItem("category"), categories.categories.map((c) => [c.code, lang() === "en" ? c.name_en : c.name]));
}

function item(report) {
  return h("li", {},
    h("h3", {}, h("a", { href: `/lacak/?id=${encodeURIComponent(report.tracking_id)}`, text: report.title })),
    h("div", { class: "meta" }, statusBadge(report.status),
      h("span", { text: report.agency ? report.agency.name : tr({ id: "Dalam verifikasi", en: "Being verified" }) }),
      h("span", { text: when(report.submitted_at, false) }), h("span", { text: report.tracking_id })),
    h("p", { text: report.excerpt }));
}

function render() {
  list.replaceChildren(...shown.map(item));
  if (!shown.length) notice(message, "info", tr({ id: "Tidak ada laporan yang cocok.", en: "No report matches." }));
}

function filters() {
  const value = (name) => form.elements.namedItem(name).value.trim();
  return { q: value("q"), status: value("status"), region: value("region"), category: value("category") };
}

async function search(fresh) {
  // Only the newest search may draw: an older answer arriving late is dropped.
  latest += 1;
  const mine = latest;
  const from = fresh ? 0 : offset;
  message.replaceChildren();
  try {
    const answer = await api(`/api/v1/reports${query({ ...filters(), limit: PAGE, offset: from })}`);
    if (mine !== latest) return;
    shown = fresh ? answer.reports : shown.concat(answer.reports);
    offset = from + answer.reports.length;
    more.hidden = !answer.has_more;
    render();
  } catch (error) {
    showError(message, error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  busy(event.submitter, () => search(true));
});
more.addEventListener("click", () => busy(more, () => search(false)));

start(render);
loadFilters().catch((error) => showError(message, error));
search(true);
