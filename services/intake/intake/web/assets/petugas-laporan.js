// An officer's report page: the full timeline, the reporter's messages (identity hidden when
// anonymous), deadlines, and the actions the report's status allows.

import { actionForm } from "./forms.js";
import { tr } from "./i18n.js";
import { reportCard, timeline } from "./report.js";
import { reportPage } from "./staff.js";
import { h, requireRole, start } from "./ui.js";

const signedIn = requireRole("officer", "administrator");
const TEXT = (name, label, hint) => ({ name, label, hint, type: "textarea", required: true });
const WORKING = ["DITERUSKAN_KE_INSTANSI", "DIPROSES", "BANDING"];

function reporter(report) {
  if (report.anonymous) {
    return h("p", { class: "card", text: tr({ id: "Pelapor memilih anonim: identitasnya tidak ditampilkan kepada instansi.", en: "The reporter chose to stay anonymous: the agency never sees who they are." }) });
  }
  const who = report.reporter;
  if (!who) return null;
  return h("section", { class: "card", "aria-labelledby": "reporter-title" },
    h("h2", { id: "reporter-title", text: tr({ id: "Pelapor", en: "Reporter" }) }),
    h("dl", { class: "facts" }, [["Nama", "Name", who.name], ["Telepon", "Phone", who.phone], ["E-mail", "E-mail", who.email]]
      .filter(([, , value]) => value)
      .flatMap(([id, en, value]) => [h("dt", { text: tr({ id, en }) }), h("dd", { text: value })])));
}

function actions(page) {
  const status = page.report.status.code;
  const forms = [];
  const add = (when, spec) => { if (when) forms.push(actionForm({ ...spec, done: page.done })); };
  add(["DITERUSKAN_KE_INSTANSI", "BANDING"].includes(status), { title: { id: "Terima dan mulai proses", en: "Acknowledge and start" },
    fields: [{ name: "note", type: "textarea", label: { id: "Catatan (tidak wajib)", en: "Note (optional)" } }],
    submit: { id: "Terima laporan", en: "Acknowledge" }, send: page.send("acknowledge") });
  add(WORKING.includes(status), { title: { id: "Minta informasi kepada pelapor", en: "Ask the reporter for information" },
    fields: [TEXT("question", { id: "Pertanyaan", en: "Question" }, { id: "Tenggat dijeda sampai pelapor menjawab.", en: "The deadline pauses until the reporter answers." })],
    submit: { id: "Kirim pertanyaan", en: "Send question" }, send: page.send("request-information") });
  add(WORKING.includes(status), { title: { id: "Tanggapi", en: "Respond" },
    fields: [TEXT("text", { id: "Tanggapan kepada pelapor", en: "Response to the reporter" }),
      { name: "final", type: "select", label: { id: "Jenis tanggapan", en: "Kind of response" },
        options: [["false", { id: "Tindak lanjut (laporan tetap diproses)", en: "Follow-up (work goes on)" }], ["true", { id: "Tanggapan akhir", en: "Final response" }]] }],
    submit: { id: "Kirim tanggapan", en: "Send response" }, send: page.send("respond", (body) => ({ ...body, final: body.final === "true" })) });
  add(WORKING.includes(status), { title: { id: "Selesaikan", en: "Resolve" },
    fields: [TEXT("summary", { id: "Ringkasan penyelesaian", en: "What was done" })],
    submit: { id: "Tandai selesai", en: "Mark resolved" }, send: page.send("resolve") });
  add(["DITERUSKAN_KE_INSTANSI", "DIPROSES"].includes(status), { title: { id: "Bukan kewenangan kami", en: "Not our authority" },
    fields: [TEXT("reason", { id: "Alasan", en: "Reason" }, { id: "Laporan diteruskan kembali untuk dialihkan ke instansi yang berwenang, tidak ditutup.", en: "The report goes back to be moved to the competent agency; it is not closed." })],
    submit: { id: "Kembalikan laporan", en: "Hand the report back" }, send: page.send("decline"), danger: true });
  return forms.length ? forms : [h("p", { class: "card", text: tr({ id: "Tidak ada tindakan untuk status ini.", en: "No action for this status." }) })];
}

// Another agency's public report comes back as its public view: shown as such, no actions.
function notOurs() {
  return h("p", { class: "notice notice-error", role: "alert", text: tr({
    id: "Laporan ini tidak berada di instansi Anda: Anda hanya melihat tampilan publiknya.",
    en: "This report is not at your agency: you see only its public view.",
  }) });
}

function render(page) {
  const { report, clocks } = page;
  const ours = ["officer", "administrator"].includes(report.audience);
  document.getElementById("report").replaceChildren(
    h("div", {}, reportCard(report, clocks), ours ? reporter(report) : null, timeline(report)),
    h("aside", { "aria-label": tr({ id: "Tindakan petugas", en: "Officer's actions" }) }, ours ? actions(page) : notOurs()));
}

if (signedIn) {
  const page = reportPage(render);
  start(() => page.report && render(page));
  page.load();
}
