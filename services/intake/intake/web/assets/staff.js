// What the officers' and administrators' report pages share: loading a report with the
// staff member's token, and sending an action on it at the sequence they saw.

import { api } from "./api.js";
import { tr } from "./i18n.js";
import { deadlines } from "./report.js";
import { notice, showError } from "./ui.js";

export function reportPage(render) {
  const id = new URLSearchParams(location.search).get("id") || "";
  const message = document.getElementById("page-message");
  const page = { id, report: null, clocks: [] };
  page.load = async () => {
    try {
      page.report = await api(`/api/v1/reports/${encodeURIComponent(id)}`, { auth: true });
      page.clocks = await deadlines(id);
      render(page);
    } catch (error) {
      showError(message, error);
    }
  };
  // A sender for actionForm: the body goes out with the sequence the page shows, so an action
  // on a report that changed meanwhile is refused (409) instead of applied blindly.
  page.send = (action, shape = (body) => body) => (body) => api(`/api/v1/reports/${encodeURIComponent(id)}/${action}`, {
    method: "POST", auth: true, body: { ...shape(body), expected_sequence: page.report.sequence },
  });
  page.done = async () => {
    await page.load();
    notice(message, "ok", tr({ id: "Tersimpan dan tercatat dalam riwayat laporan.", en: "Saved and recorded in the report's history." }));
  };
  return page;
}
