// The deadline policy in force (escalation's GET /api/v1/deadlines/policy), every version.

import { api } from "./api.js";
import { tr } from "./i18n.js";
import { h, showError, start, when } from "./ui.js";

let answer = null;

const ROWS = [
  ["verify", { id: "Verifikasi dan penerusan oleh administrator", en: "Verification and routing by administrators" }],
  ["first_response", { id: "Tanggapan pertama instansi", en: "The agency's first response" }],
  ["auto_close", { id: "Tutup otomatis bila pelapor diam", en: "Auto-close when the reporter is silent" }],
  ["remind_before", { id: "Pengingat sebelum tenggat", en: "Reminder before a deadline" }],
];
const TYPES = {
  complaint: { id: "Pengaduan", en: "Complaint" }, aspiration: { id: "Aspirasi", en: "Aspiration" },
  information_request: { id: "Permintaan informasi", en: "Request for information" },
  complaint_examination: { id: "Pengaduan berkadar pengawasan", en: "Complaint needing examination" },
};

function days(n) {
  return tr({ id: "{n} hari kerja", en: "{n} working days" }, { n });
}

function table(caption, rows) {
  return h("table", { class: "card" }, h("caption", { text: caption }),
    h("tbody", {}, rows.map(([label, value]) => h("tr", {}, h("th", { scope: "row", text: label }), h("td", { class: "num", text: value })))));
}

function policy(p) {
  const inForce = p.version === answer.in_force;
  const completion = Object.entries(p.completion).map(([type, n]) => [tr({ id: "Penyelesaian: ", en: "Completion: " }) + tr(TYPES[type] || { id: type, en: type }), days(n)]);
  const byCategory = Object.entries(p.completion_by_category || {}).map(([code, n]) => [code, days(n)]);
  return h("section", { class: "stack" },
    h("h2", { text: `${p.version}${inForce ? tr({ id: " (berlaku)", en: " (in force)" }) : ""}` }),
    h("p", { class: "muted", text: tr({ id: "Berlaku sejak {at}", en: "In force since {at}" }, { at: when(p.effective_from, false) }) }),
    table(tr({ id: "Tenggat", en: "Deadlines" }), [...ROWS.map(([name, label]) => [tr(label), days(p[name])]), ...completion]),
    byCategory.length ? table(tr({ id: "Tenggat penyelesaian khusus per kategori", en: "Completion limits by category" }), byCategory) : null);
}

function consequences() {
  return h("section", { class: "card" },
    h("h2", { text: tr({ id: "Bila tenggat terlewat", en: "When a deadline is missed" }) }),
    h("ul", {}, answer.clocks.map((clock) => h("li", { text: `${tr(clock.kind_label)}: ${tr(clock.on_miss)}` }))),
    h("h3", { text: tr({ id: "Tingkat eskalasi, berurutan", en: "Escalation levels, in order" }) }),
    h("ol", {}, answer.escalation_levels.map((level) => h("li", { text: tr(level.label) }))));
}

function render() {
  if (!answer) return;
  const versions = [...answer.policies].reverse();
  document.getElementById("policy").replaceChildren(h("p", { text: tr(answer.legal_basis) }), consequences(), ...versions.map(policy));
}

start(render);
api("/api/v1/deadlines/policy").then((data) => { answer = data; render(); },
  (error) => showError(document.getElementById("policy-message"), error));
