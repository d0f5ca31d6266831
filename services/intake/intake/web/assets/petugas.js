// The officer's inbox: their agency's reports by status, deadline soon and escalated, with
// counts. The back end answers with the officer's own agency only, whatever is asked.

import { api, query } from "./api.js";
import { tr } from "./i18n.js";
import { inboxItems } from "./inbox.js";
import { h, requireRole, showError, start, STATUSES } from "./ui.js";

const signedIn = requireRole("officer", "administrator");
const list = document.getElementById("inbox");
const message = document.getElementById("inbox-message");
const OPEN = ["DITERUSKAN_KE_INSTANSI", "DIPROSES", "MENUNGGU_TANGGAPAN_PELAPOR", "BANDING", "DITANGGAPI"];
const agency = signedIn?.role === "administrator" ? new URLSearchParams(location.search).get("agency") || "" : undefined;

const FILTERS = [
  ["open", { id: "Terbuka", en: "Open" }, { status: OPEN }],
  ["due", { id: "Tenggat dekat (2 hari)", en: "Due soon (2 days)" }, { due_within_hours: 48 }],
  ["escalated", { id: "Dieskalasi", en: "Escalated" }, { escalated: true }],
  ...OPEN.concat(["SELESAI"]).map((code) => [code, STATUSES[code], { status: [code] }]),
];
let chosen = "open";
let answer = null;
let dueCount = null;

function count(name) {
  if (!answer) return null;
  if (name === "open") return OPEN.reduce((sum, code) => sum + (answer.counts[code] || 0), 0);
  if (name === "due") return dueCount;
  if (name === "escalated") return answer.escalated ?? null;
  return answer.counts[name] || 0;
}

function tabs() {
  return FILTERS.map(([name, label]) => {
    const n = count(name);
    const text = n === null ? tr(label) : `${tr(label)} (${n})`;
    return h("li", {}, h("button", { type: "button", "aria-pressed": String(name === chosen), text,
      onclick: () => { chosen = name; load(); } }));
  });
}

function render() {
  document.getElementById("tabs").replaceChildren(...tabs());
  const name = signedIn.agency_name || signedIn.agency_code || agency;
  document.getElementById("inbox-agency").textContent = name ? tr({ id: "Instansi: {name}", en: "Agency: {name}" }, { name }) : "";
  if (answer) list.replaceChildren(...inboxItems(answer.reports, "/petugas/laporan/"));
}

async function load() {
  const filter = FILTERS.find(([name]) => name === chosen)[2];
  message.replaceChildren();
  try {
    answer = await api(`/api/v1/inbox${query({ agency, limit: 200, ...filter })}`, { auth: true });
    if (chosen === "due") dueCount = answer.reports.length;
    render();
  } catch (error) {
    showError(message, error);
  }
}

async function countDue() {
  const due = await api(`/api/v1/inbox${query({ agency, limit: 500, due_within_hours: 48 })}`, { auth: true });
  dueCount = due.reports.length;
  render();
}

if (signedIn) {
  start(render);
  load().then(countDue).catch(() => {});
}
