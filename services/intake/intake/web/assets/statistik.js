// The public statistics dashboard, drawn from analytics' statistics API.

import { api, query } from "./api.js";
import { tr } from "./i18n.js";
import { bars, columns } from "./charts.js";
import { h, number, showError, start, when } from "./ui.js";

const form = document.getElementById("period-form");
const message = document.getElementById("stats-message");
let data = null;

const CHANNELS = {
  web: { id: "Situs web", en: "Web" }, mobile: { id: "Aplikasi", en: "Mobile app" }, sms: { id: "SMS 1708", en: "SMS 1708" },
  social_media: { id: "Media sosial", en: "Social media" }, open311: { id: "Open311", en: "Open311" },
  agency_system: { id: "Sistem instansi", en: "Agencies' systems" },
};

function period() {
  const chosen = form.elements.namedItem("period").value;
  if (chosen === "year") return {};
  const today = new Date();
  const from = new Date(today.getTime() - (Number(chosen) - 1) * 86_400_000);
  return { from_day: from.toISOString().slice(0, 10) };
}

async function load() {
  const where = period();
  const get = (path, extra = {}) => api(`/api/v1/stats/${path}${query({ ...where, ...extra })}`);
  const [summary, trend, category, province, channel, league] = await Promise.all([
    get("summary"), get("breakdown", { granularity: "day" }), get("breakdown", { by: "category" }),
    get("breakdown", { by: "province" }), get("breakdown", { by: "channel" }), get("agencies", { limit: 10 }),
  ]);
  data = { summary, trend, category, province, channel, league };
  render();
}

function percent(share) {
  return `${number(share * 100, 1)}%`;
}

function figure(name, value, label) {
  return h("div", { class: "figure", "data-figure": name }, h("strong", { text: value }), h("span", { text: tr(label) }));
}

function figures(summary) {
  const o = summary.outcomes;
  return [
    figure("reports", number(o.reports), { id: "Laporan masuk", en: "Reports received" }),
    figure("daily_average", number(summary.daily_average, 2), { id: "Rata-rata per hari", en: "Daily average" }),
    figure("routed", number(o.routed), { id: "Diteruskan ke instansi", en: "Routed to an agency" }),
    figure("resolved", `${number(o.resolved)} (${percent(o.resolution_rate)})`, { id: "Diselesaikan", en: "Resolved" }),
    figure("deadlines_met", percent(o.deadlines_met_share), { id: "Tenggat terpenuhi", en: "Deadlines met" }),
    figure("satisfaction", `${number(o.satisfaction_average, 2)} / 5`, { id: "Kepuasan pelapor", en: "Satisfaction" }),
    figure("agencies_reached", number(summary.agencies_reached), { id: "Instansi menerima laporan", en: "Agencies reached" }),
    figure("agencies_connected", number(summary.agencies_connected), { id: "Instansi terhubung", en: "Agencies connected" }),
  ];
}

const top = (breakdown, label = (row) => row.label || row.key) =>
  [...breakdown.rows].sort((a, b) => b.outcomes.reports - a.outcomes.reports).slice(0, 10).map((row) => [label(row), row.outcomes.reports]);

function league(table) {
  if (!table.rows.length) return h("p", { class: "muted", text: tr({ id: "Belum ada data.", en: "No data yet." }) });
  const head = [{ id: "Peringkat", en: "Rank" }, { id: "Instansi", en: "Agency" }, { id: "Indeks", en: "Index" }, { id: "Laporan", en: "Reports" }];
  return h("table", {}, h("thead", {}, h("tr", {}, head.map((label, i) => h("th", { scope: "col", class: i > 1 ? "num" : null, text: tr(label) })))),
    h("tbody", {}, table.rows.map((row) => h("tr", {},
      h("td", { text: row.ranked ? String(row.rank) : "—" }), h("td", { text: row.agency_name }),
      h("td", { class: "num", text: number(row.index, 1) }), h("td", { class: "num", text: number(row.outcomes.reports) })))));
}

function place(id, nodes) {
  document.getElementById(id).replaceChildren(...nodes);
}

function render() {
  if (!data) return;
  const { summary, trend } = data;
  document.getElementById("period-text").textContent = tr({ id: "{from} sampai {to}", en: "{from} to {to}" },
    { from: when(`${summary.from_day}T12:00:00+07:00`, false), to: when(`${summary.to_day}T12:00:00+07:00`, false) });
  place("figures", figures(summary));
  place("trend", columns(tr({ id: "Laporan per hari", en: "Reports per day" }), trend.rows.map((r) => [r.period, r.outcomes.reports])));
  place("by-category", bars(tr({ id: "Kategori terbanyak", en: "Top categories" }), top(data.category)));
  place("by-province", bars(tr({ id: "Provinsi terbanyak", en: "Top provinces" }), top(data.province)));
  place("by-channel", bars(tr({ id: "Menurut kanal", en: "By channel" }), top(data.channel, (r) => tr(CHANNELS[r.key] || { id: r.key, en: r.key }))));
  const ratings = summary.outcomes.ratings.map((count, i) => [`${i + 1} ★`, count]);
  place("ratings", bars(tr({ id: "Penilaian pelapor", en: "Reporters' ratings" }), ratings));
  place("league", [league(data.league)]);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load().catch((error) => showError(message, error));
});

start(render);
load().catch((error) => showError(message, error));
