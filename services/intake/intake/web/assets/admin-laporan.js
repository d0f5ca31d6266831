// An administrator's view of a queued report: routing's suggestions with their reasons, and
// verify, route (assign), reject or archive, each with a reason.

import { api } from "./api.js";
import { actionForm } from "./forms.js";
import { tr } from "./i18n.js";
import { reportCard, timeline } from "./report.js";
import { reportPage } from "./staff.js";
import { h, number, requireRole, start } from "./ui.js";

const signedIn = requireRole("administrator");
const QUEUED = ["MENUNGGU_VERIFIKASI", "DIGABUNGKAN"];
const REJECTIONS = [
  ["REJECTION_REASON_INCOMPLETE", { id: "Tidak lengkap (apa, di mana, kapan)", en: "Incomplete (what, where, when)" }],
  ["REJECTION_REASON_TOO_GENERAL", { id: "Terlalu umum", en: "Too general" }],
  ["REJECTION_REASON_NOT_PUBLIC_SERVICE", { id: "Bukan pelayanan publik", en: "Not a public service" }],
  ["REJECTION_REASON_DUPLICATE", { id: "Duplikat", en: "Duplicate" }],
  ["REJECTION_REASON_ABUSIVE", { id: "Kasar atau menghina", en: "Abusive" }],
];
const TEXT = (name, label) => ({ name, label, type: "textarea", required: true });

function suggestions(report, assign) {
  const found = report.routing_suggestions;
  if (!found) return null;
  const choose = (s) => () => {
    assign.elements.namedItem("agency_code").value = s.agency_code;
    assign.elements.namedItem("category_code").value = s.category_code;
    assign.elements.namedItem("reason").value = s.reason;
    assign.elements.namedItem("agency_code").focus();
  };
  return h("section", { class: "card", "aria-labelledby": "suggested-title" },
    h("h2", { id: "suggested-title", text: tr({ id: "Saran sistem", en: "Routing's suggestions" }) }),
    h("p", { text: found.reason }),
    h("ul", { class: "suggestions" }, found.agencies.map((s) => h("li", {}, h("button", { type: "button", onclick: choose(s),
      text: `${s.agency_name} — ${s.category_code} (${number(s.confidence * 100)}%): ${s.reason}` })))),
    found.hints.length ? h("ul", {}, found.hints.map((hint) => h("li", { text: `${hint.reason}: ${hint.explanation}` }))) : null);
}

async function assignment(page, body) {
  const agency = await api(`/api/v1/agencies/${encodeURIComponent(body.agency_code)}`);
  return page.send("assign")({ ...body, agency_name: agency.name });
}

function actions(page) {
  if (!QUEUED.includes(page.report.status.code)) return [h("p", { class: "card", text: tr({ id: "Laporan ini tidak lagi dalam antrean verifikasi.", en: "This report is no longer in the verification queue." }) })];
  const done = page.done;
  const assign = actionForm({ title: { id: "Teruskan ke instansi", en: "Route to an agency" }, done, send: (body) => assignment(page, body),
    fields: [{ name: "agency_code", label: { id: "Kode instansi", en: "Agency code" }, required: true, hint: { id: "Pilih saran di atas atau cari di direktori instansi.", en: "Pick a suggestion or look it up in the agency directory." } },
      { name: "category_code", label: { id: "Kode kategori", en: "Category code" } }, TEXT("reason", { id: "Alasan", en: "Reason" })],
    submit: { id: "Teruskan", en: "Route" } });
  return [suggestions(page.report, assign), assign,
    actionForm({ title: { id: "Verifikasi (biarkan sistem meneruskan)", en: "Verify (let routing route it)" }, done, send: page.send("verify"),
      fields: [TEXT("note", { id: "Catatan", en: "Note" })], submit: { id: "Verifikasi", en: "Verify" } }),
    actionForm({ title: { id: "Tolak", en: "Reject" }, done, send: page.send("reject"), danger: true,
      fields: [{ name: "reason", type: "select", label: { id: "Alasan penolakan", en: "Reason" }, options: REJECTIONS, required: true },
        TEXT("note", { id: "Penjelasan kepada pelapor", en: "Explanation to the reporter" })], submit: { id: "Tolak laporan", en: "Reject" } }),
    actionForm({ title: { id: "Arsipkan", en: "Archive" }, done, send: page.send("archive"), danger: true,
      fields: [TEXT("reason", { id: "Alasan", en: "Reason" })], submit: { id: "Arsipkan", en: "Archive" } })];
}

function render(page) {
  document.getElementById("report").replaceChildren(h("div", {}, reportCard(page.report, page.clocks), timeline(page.report)),
    h("aside", { "aria-label": tr({ id: "Tindakan administrator", en: "Administrator's actions" }) }, actions(page)));
}

if (signedIn) {
  const page = reportPage(render);
  start(() => page.report && render(page));
  page.load();
}
