// Tracking a report: the public view by tracking number, the reporter's view with the access
// code, and the reporter's actions (reply, give information, rate, accept, appeal).

import { api } from "./api.js";
import { actionForm } from "./forms.js";
import { tr } from "./i18n.js";
import { deadlines, reportCard, timeline } from "./report.js";
import { h, notice, showError, start } from "./ui.js";

const form = document.getElementById("track-form");
const message = document.getElementById("track-message");
const target = document.getElementById("report");
const POOR_RATING = 2;
let current = null;

function send(action) {
  return (body) => api(`/api/v1/reports/${current.id}/${action}`, {
    method: "POST", body: { ...body, expected_sequence: current.report.sequence }, secret: current.secret,
  });
}

async function after() {
  await show(current.id, current.secret);
  notice(message, "ok", tr({ id: "Terkirim. Terima kasih.", en: "Sent. Thank you." }));
}

const TEXT = (name, label, hint) => ({ name, label, hint, type: "textarea", required: true });

function reporterActions(report) {
  const status = report.status.code;
  const forms = [];
  if (status === "MENUNGGU_TANGGAPAN_PELAPOR") {
    forms.push(actionForm({ title: { id: "Instansi meminta informasi tambahan", en: "The agency asked for more information" },
      fields: [TEXT("answer", { id: "Jawaban Anda", en: "Your answer" })], submit: { id: "Kirim jawaban", en: "Send answer" },
      send: send("provide-information"), done: after }));
  }
  if (["DITANGGAPI", "SELESAI"].includes(status) && !report.rating) {
    forms.push(actionForm({ title: { id: "Nilai tindak lanjut instansi", en: "Rate the agency's follow-up" },
      fields: [{ name: "score", type: "score", label: { id: "Nilai 1 (buruk) sampai 5 (sangat baik)", en: "Score 1 (poor) to 5 (very good)" } },
        { name: "comment", type: "textarea", label: { id: "Komentar (tidak wajib)", en: "Comment (optional)" } }],
      submit: { id: "Kirim penilaian", en: "Send rating" }, send: send("rate"), done: after }));
  }
  if (["DITANGGAPI", "SELESAI"].includes(status) && report.rating && report.rating <= POOR_RATING) {
    forms.push(actionForm({ title: { id: "Ajukan banding", en: "Appeal" },
      fields: [TEXT("reason", { id: "Mengapa tindak lanjut belum memuaskan?", en: "Why is the follow-up not good enough?" },
        { id: "Banding mengembalikan laporan ke instansi untuk ditinjau ulang.", en: "An appeal sends the report back to the agency for review." })],
      submit: { id: "Ajukan banding", en: "Appeal" }, send: send("appeal"), done: after, danger: true }));
  }
  if (status === "DITANGGAPI") {
    forms.push(actionForm({ title: { id: "Terima tindak lanjut dan tutup laporan", en: "Accept the follow-up and close the report" },
      fields: [{ name: "comment", type: "textarea", label: { id: "Komentar (tidak wajib)", en: "Comment (optional)" } }],
      submit: { id: "Terima dan tutup", en: "Accept and close" }, send: send("accept"), done: after }));
  }
  if (!["SELESAI", "DITOLAK", "DIARSIPKAN", "MENUNGGU_TANGGAPAN_PELAPOR"].includes(status)) {
    forms.push(actionForm({ title: { id: "Kirim pesan kepada instansi", en: "Send the agency a message" },
      fields: [TEXT("text", { id: "Pesan", en: "Message" })], submit: { id: "Kirim pesan", en: "Send message" },
      send: send("reply"), done: after }));
  }
  return forms;
}

function aside(report) {
  if (report.audience !== "reporter") {
    return h("aside", { class: "card" }, h("p", { text: tr({
      id: "Anda melihat tampilan publik. Masukkan kode akses untuk membalas, menilai, atau mengajukan banding.",
      en: "This is the public view. Enter your access code to answer, rate or appeal.",
    }) }));
  }
  const forms = reporterActions(report);
  return h("aside", { "aria-label": tr({ id: "Tindakan pelapor", en: "Reporter's actions" }) },
    forms.length ? forms : h("p", { class: "card", text: tr({ id: "Tidak ada tindakan yang perlu Anda lakukan.", en: "Nothing for you to do now." }) }));
}

function render() {
  if (!current) return;
  const { report, clocks } = current;
  target.replaceChildren(h("div", {}, reportCard(report, clocks), timeline(report)), aside(report));
}

async function show(id, secret) {
  const report = await api(`/api/v1/reports/${encodeURIComponent(id)}`, { secret });
  current = { id: report.tracking_id, secret, report, clocks: await deadlines(report.tracking_id) };
  render();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const id = form.elements.namedItem("id").value.trim().toUpperCase();
  const error = document.getElementById("tracking-error");
  error.hidden = id.length >= 10;
  error.textContent = tr({ id: "Tulis nomor lacak, misalnya 7K3M-9QXD-2F8A.", en: "Enter a tracking number, e.g. 7K3M-9QXD-2F8A." });
  form.elements.namedItem("id").setAttribute("aria-invalid", String(!error.hidden));
  if (!error.hidden) return;
  message.replaceChildren();
  try {
    await show(id, form.elements.namedItem("secret").value.trim());
    history.replaceState(null, "", `?id=${encodeURIComponent(current.id)}`);
    document.getElementById("report-title").focus();
  } catch (failure) {
    target.replaceChildren();
    if (failure.status === 404) notice(message, "error", tr({ id: "Laporan tidak ditemukan. Periksa nomor lacaknya; laporan rahasia hanya dapat dilihat dengan kode akses.", en: "No such report. Check the number; confidential reports need the access code." }));
    else showError(message, failure);
  }
});

start(render);
const given = new URLSearchParams(location.search).get("id");
if (given) {
  form.elements.namedItem("id").value = given;
  form.requestSubmit();
}
