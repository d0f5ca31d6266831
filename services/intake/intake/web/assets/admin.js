// The national verification queue: reports routing left to the administrators.

import { api, query } from "./api.js";
import { inboxItems } from "./inbox.js";
import { requireRole, showError, start } from "./ui.js";

const signedIn = requireRole("administrator");
let items = null;

function render() {
  if (items) document.getElementById("queue").replaceChildren(...inboxItems(items, "/admin/laporan/"));
}

async function load() {
  const answer = await api(`/api/v1/inbox${query({ status: ["MENUNGGU_VERIFIKASI", "DIGABUNGKAN"], limit: 200 })}`, { auth: true });
  items = answer.reports;
  render();
}

if (signedIn) {
  start(render);
  load().catch((error) => showError(document.getElementById("queue-message"), error));
}
