// One report as people read it: its facts, its deadline in working days and its timeline.
// The track page, the officers' report page and the administrators' console share it.

import { api } from "./api.js";
import { lang, tr } from "./i18n.js";
import { h, statusBadge, when } from "./ui.js";

const TYPES = {
  pengaduan: { id: "Pengaduan", en: "Complaint" },
  aspirasi: { id: "Aspirasi", en: "Aspiration" },
  permintaan_informasi: { id: "Permintaan informasi", en: "Request for information" },
};

// The report's running clocks from escalation, or [] when it has none (closed) or is silent.
export async function deadlines(trackingId) {
  try {
    return (await api(`/api/v1/deadlines/${encodeURIComponent(trackingId)}`)).clocks;
  } catch {
    return [];
  }
}

function clockText(clock) {
  const days = clock.working_days_left;
  const left = clock.paused
    ? tr({ id: "dijeda, menunggu pelapor", en: "paused, waiting for the reporter" })
    : days < 0
      ? tr({ id: "lewat {n} hari kerja", en: "{n} working days overdue" }, { n: -days })
      : days === 0
        ? tr({ id: "hari ini", en: "today" })
        : tr({ id: "{n} hari kerja lagi", en: "{n} working days left" }, { n: days });
  const label = clock.kind_label ? tr(clock.kind_label) : clock.clock;
  return `${label}: ${when(clock.deadline_local || clock.deadline, false)} (${left})`;
}

function deadlineList(clocks) {
  if (!clocks.length) return tr({ id: "Tidak ada tenggat yang berjalan", en: "No deadline running" });
  return h("ul", {}, clocks.map((clock) => h("li", {
    class: clock.overdue ? "error-text" : null, text: clockText(clock),
  })));
}

function fact(label, value) {
  return [h("dt", { text: tr(label) }), h("dd", {}, value)];
}

export function reportFacts(report, clocks) {
  const agency = report.agency ? report.agency.name : tr({ id: "Belum ditentukan (verifikasi nasional)", en: "Not yet decided (national verification)" });
  const privacy = [report.anonymous && tr({ id: "Anonim", en: "Anonymous" }), report.confidential && tr({ id: "Rahasia", en: "Confidential" })].filter(Boolean).join(", ");
  return h("dl", { class: "facts" },
    fact({ id: "Nomor lacak", en: "Tracking number" }, report.tracking_id),
    fact({ id: "Status", en: "Status" }, statusBadge(report.status)),
    fact({ id: "Jenis", en: "Type" }, tr(TYPES[report.type] || { id: report.type, en: report.type })),
    fact({ id: "Instansi", en: "Agency" }, agency),
    fact({ id: "Tenggat", en: "Deadline" }, deadlineList(clocks)),
    fact({ id: "Dikirim", en: "Filed" }, when(report.submitted_at)),
    privacy ? fact({ id: "Privasi", en: "Privacy" }, privacy) : null,
    report.escalation_tier ? fact({ id: "Eskalasi", en: "Escalation" }, tr({ id: "Tingkat {n}", en: "Tier {n}" }, { n: report.escalation_tier })) : null);
}

export function timeline(report) {
  const items = [...report.timeline].reverse().map((entry) => h("li", {},
    h("time", { datetime: entry.occurred_at, text: when(entry.occurred_at) }),
    h("span", { text: entry.text[lang()] || entry.text.id })));
  return h("section", { "aria-labelledby": "timeline-title" },
    h("h2", { id: "timeline-title", text: tr({ id: "Perjalanan laporan (terbaru di atas)", en: "The report's history (newest first)" }) }),
    h("ol", { class: "timeline" }, items));
}

export function reportCard(report, clocks) {
  return h("article", { class: "card", "aria-labelledby": "report-title" },
    h("h2", { id: "report-title", tabindex: "-1", text: report.title }),
    reportFacts(report, clocks),
    h("h3", { text: tr({ id: "Isi laporan", en: "The report" }) }),
    h("p", { text: report.body }));
}
