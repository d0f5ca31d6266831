// A list of reports at an agency (or in the national queue) as GET /api/v1/inbox gives them.

import { tr } from "./i18n.js";
import { deadlineBadge, h, statusBadge, when } from "./ui.js";

function markers(item) {
  return [
    item.escalation_tier ? h("span", { class: "badge badge-late", text: tr({ id: "Eskalasi tingkat {n}", en: "Escalated, tier {n}" }, { n: item.escalation_tier }) }) : null,
    item.anonymous ? h("span", { class: "badge badge-muted", text: tr({ id: "Anonim", en: "Anonymous" }) }) : null,
    item.confidential ? h("span", { class: "badge badge-muted", text: tr({ id: "Rahasia", en: "Confidential" }) }) : null,
  ];
}

export function inboxItems(items, page) {
  if (!items.length) return [h("li", { class: "muted", text: tr({ id: "Tidak ada laporan.", en: "No reports." }) })];
  return items.map((item) => h("li", {},
    h("h3", {}, h("a", { href: `${page}?id=${encodeURIComponent(item.tracking_id)}`, text: item.title })),
    h("div", { class: "meta" }, statusBadge(item.status), deadlineBadge(item.deadline), ...markers(item),
      h("span", { text: item.tracking_id }), h("span", { text: when(item.submitted_at) }))));
}
