// The citizen's report form: suggestions as they type, the region picker, the receipt.

import { api, newKey } from "./api.js";
import { lang, tr } from "./i18n.js";
import { regionPath, regionPicker } from "./regions.js";
import { busy, h, notice, showError, start, statusBadge } from "./ui.js";

const form = document.getElementById("report-form");
const field = (name) => form.elements.namedItem(name);
const regions = regionPicker();
let idempotencyKey = newKey();
let categories = [];

async function loadCategories() {
  const answer = await api("/api/v1/routing/categories");
  categories = answer.categories;
  renderCategories();
}

function renderCategories() {
  const select = field("category");
  const chosen = select.value;
  const groups = new Map();
  for (const c of categories) {
    const label = lang() === "en" ? c.group_name_en : c.group_name;
    if (!groups.has(label)) groups.set(label, h("optgroup", { label }));
    groups.get(label).append(h("option", { value: c.code, text: lang() === "en" ? c.name_en : c.name }));
  }
  select.replaceChildren(select.options[0], ...groups.values());
  select.value = chosen;
}

function categoryName(code) {
  const found = categories.find((c) => c.code === code);
  if (!found) return code;
  return lang() === "en" ? found.name_en : found.name;
}

function suggestionButton(s) {
  const text = tr({ id: "{category} → {agency} (keyakinan {p}%)", en: "{category} → {agency} ({p}% confident)" },
    { category: categoryName(s.category), agency: s.agency_name, p: Math.round(s.confidence * 100) });
  return h("li", {}, h("button", { type: "button", text, onclick: () => { field("category").value = s.category; } }));
}

async function detected(region) {
  const target = document.getElementById("detected");
  if (!region || regions.value()) return target.replaceChildren();
  const place = await regionPath(region.region_code);
  target.replaceChildren(h("p", { class: "notice" },
    tr({ id: "Lokasi terbaca dari laporan Anda: {place}. ", en: "Place read from your report: {place}. " }, { place }),
    h("button", { type: "button", class: "btn", text: tr({ id: "Pakai lokasi ini", en: "Use this place" }),
      onclick: () => regions.choose(region.region_code).then(() => target.replaceChildren()) })));
}

async function suggest() {
  const title = field("title").value.trim();
  const body = field("body").value.trim();
  if (title.length < 5 || body.length < 20) return;
  const answer = await api("/api/v1/routing/suggest", { method: "POST", body: { title, body, region_code: regions.value() } });
  const list = answer.suggestions.slice(0, 3);
  const target = document.getElementById("suggestions");
  target.replaceChildren(list.length
    ? h("div", {}, h("p", { class: "hint", text: tr({ id: "Saran kategori dan instansi yang kemungkinan menangani:", en: "Suggested categories and the agency likely to handle it:" }) }),
        h("ul", { class: "suggestions" }, list.map(suggestionButton)))
    : "");
  await detected(answer.region);
}

function debounce(action, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(() => action().catch(() => {}), ms); };
}

const CHECKS = [
  ["title", (v) => v.length >= 5, { id: "Judul minimal 5 karakter.", en: "The title needs at least 5 characters." }],
  ["body", (v) => v.length >= 20, { id: "Isi laporan minimal 20 karakter.", en: "The report needs at least 20 characters." }],
];

function mark(name, message) {
  const input = document.getElementById(name);
  const error = document.getElementById(`${name}-error`);
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
  error.hidden = !message;
  error.textContent = message ? tr(message) : "";
  return !message;
}

function valid() {
  let first = null;
  for (const [name, ok, message] of CHECKS) {
    if (!mark(name, ok(field(name).value.trim()) ? null : message) && !first) first = document.getElementById(name);
  }
  if (!mark("region", regions.value() ? null : { id: "Pilih minimal provinsi.", en: "Choose at least the province." }) && !first) {
    regions.focus();
    return false;
  }
  first?.focus();
  return !first;
}

function payload() {
  const value = (name) => field(name).value.trim();
  const reporter = { name: value("name"), phone: value("phone"), email: value("email") };
  const type = form.querySelector("input[name=type]:checked").value;
  return {
    type,
    requires_examination: type === "pengaduan" && field("requires_examination").checked,
    title: value("title"),
    body: value("body"),
    category_code: value("category"),
    region_code: regions.value(),
    anonymous: field("anonymous").checked,
    confidential: field("confidential").checked,
    language: lang(),
    reporter: Object.values(reporter).some(Boolean) ? reporter : null,
  };
}

function receipt(answer) {
  const section = document.getElementById("receipt");
  document.getElementById("receipt-id").textContent = answer.tracking_id;
  document.getElementById("receipt-secret").textContent = answer.access_secret;
  document.getElementById("receipt-status").replaceChildren(statusBadge({ code: answer.status, ...answer.status_label }));
  document.getElementById("track").href = `/lacak/?id=${encodeURIComponent(answer.tracking_id)}`;
  const text = `LAPOR!\n${tr({ id: "Nomor lacak", en: "Tracking number" })}: ${answer.tracking_id}\n${tr({ id: "Kode akses", en: "Access code" })}: ${answer.access_secret}\n`;
  document.getElementById("download").href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  document.getElementById("copy").onclick = () => navigator.clipboard.writeText(text).then(
    () => notice(document.getElementById("copy-message"), "ok", tr({ id: "Tersalin.", en: "Copied." })),
    () => notice(document.getElementById("copy-message"), "error", tr({ id: "Tidak dapat menyalin; catat kodenya.", en: "Could not copy; write the codes down." })));
  form.hidden = true;
  section.hidden = false;
  section.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = document.getElementById("form-message");
  message.replaceChildren();
  if (!valid()) return;
  await busy(event.submitter, async () => {
    try {
      receipt(await api("/api/v1/reports", { method: "POST", body: payload(), key: idempotencyKey }));
      idempotencyKey = newKey();
    } catch (error) {
      showError(message, error);
    }
  });
});

form.addEventListener("change", () => {
  const type = form.querySelector("input[name=type]:checked").value;
  document.getElementById("examination-choice").hidden = type !== "pengaduan";
});
const typing = debounce(suggest, 700);
field("title").addEventListener("input", typing);
field("body").addEventListener("input", typing);

start(renderCategories);
loadCategories().catch((error) => showError(document.getElementById("form-message"), error));
regions.ready.catch((error) => showError(document.getElementById("form-message"), error));
