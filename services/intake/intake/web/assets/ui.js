// The page chrome (header, navigation, language switch, footer) and small DOM helpers
// shared by every page. Text from the platform is always set as text, never as HTML.

import { endSession, session } from "./api.js";
import { lang, onLanguage, setLang, tr, translate } from "./i18n.js";

export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

const NAV = [
  ["/", { id: "Buat Laporan", en: "File a report" }],
  ["/lacak/", { id: "Lacak", en: "Track" }],
  ["/jelajahi/", { id: "Jelajahi", en: "Browse" }],
  ["/statistik/", { id: "Statistik", en: "Statistics" }],
];

function staffLinks(signedIn) {
  if (!signedIn) return [["/masuk/", { id: "Masuk petugas", en: "Staff sign-in" }]];
  if (signedIn.role === "administrator") {
    return [["/admin/", { id: "Konsol admin", en: "Admin console" }]];
  }
  return [["/petugas/", { id: "Kotak masuk", en: "Inbox" }]];
}

function navigation() {
  const here = location.pathname;
  const signedIn = session();
  const links = [...NAV, ...staffLinks(signedIn)].map(([href, label]) => {
    const current = href === "/" ? here === "/" : here.startsWith(href);
    return h("li", {}, h("a", { href, "aria-current": current ? "page" : null, text: tr(label) }));
  });
  return h("nav", { class: "main", "aria-label": tr({ id: "Menu utama", en: "Main menu" }) }, h("ul", {}, links));
}

function tools() {
  const other = lang() === "id" ? "en" : "id";
  const switcher = h("button", {
    type: "button",
    lang: other,
    "aria-label": other === "en" ? "Switch to English" : "Ganti ke Bahasa Indonesia",
    text: other === "en" ? "English" : "Bahasa Indonesia",
    onclick: () => setLang(other),
  });
  const signedIn = session();
  const out = signedIn
    ? h("button", {
        type: "button",
        text: tr({ id: "Keluar ({name})", en: "Sign out ({name})" }, { name: signedIn.display_name || signedIn.username }),
        onclick: () => { endSession(); location.assign("/masuk/"); },
      })
    : null;
  return h("div", { class: "tools" }, switcher, out);
}

function header() {
  const brand = h("a", { class: "brand", href: "/" }, "LAPOR!",
    h("small", { text: tr({ id: "Layanan Aspirasi dan Pengaduan Online Rakyat", en: "Public complaints and aspirations service" }) }));
  return h("div", { class: "wrap" }, brand, navigation(), tools());
}

function footer() {
  return h("div", { class: "wrap" },
    h("p", { text: tr({ id: "Tanpa internet? Kirim SMS ke 1708: LAPOR <isi laporan>.", en: "No internet? Send an SMS to 1708: LAPOR <your report>." }) }),
    h("p", {}, h("a", { href: "/docs", text: tr({ id: "API untuk pengembang", en: "API for developers" }) }), " · ",
      h("a", { href: "/api/v1/open-data", text: tr({ id: "Data terbuka", en: "Open data" }) })));
}

function renderChrome() {
  document.querySelector("header.site").replaceChildren(header());
  document.querySelector("footer.site").replaceChildren(footer());
}

// Every page calls this first; render() redraws the page's dynamic parts on a language switch.
export function start(render = () => {}) {
  translate();
  renderChrome();
  onLanguage(renderChrome);
  onLanguage(render);
}

// Staff pages: the signed-in session with one of the roles, or off to the sign-in page.
export function requireRole(...roles) {
  const signedIn = session();
  if (signedIn && roles.includes(signedIn.role)) return signedIn;
  location.replace(`/masuk/?next=${encodeURIComponent(location.pathname + location.search)}`);
  return null;
}

const ZONE = "Asia/Jakarta";

export function when(iso, withTime = true) {
  if (!iso) return "—";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short", timeZone: ZONE } : { dateStyle: "medium", timeZone: ZONE };
  const text = new Intl.DateTimeFormat(lang() === "id" ? "id-ID" : "en-GB", options).format(new Date(iso));
  return withTime ? `${text} WIB` : text;
}

export function number(value, digits = 0) {
  return new Intl.NumberFormat(lang() === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: digits }).format(value);
}

const STATUS_TONES = {
  SELESAI: "ok", DITANGGAPI: "ok", DITOLAK: "muted", DIARSIPKAN: "muted", DIGABUNGKAN: "muted",
  BANDING: "late", MENUNGGU_TANGGAPAN_PELAPOR: "warn", MENUNGGU_VERIFIKASI: "info",
};

export const STATUSES = {
  MENUNGGU_VERIFIKASI: { id: "Menunggu Verifikasi", en: "Awaiting verification" },
  DITERUSKAN_KE_INSTANSI: { id: "Diteruskan ke Instansi", en: "Forwarded to the agency" },
  DIPROSES: { id: "Diproses", en: "In progress" },
  MENUNGGU_TANGGAPAN_PELAPOR: { id: "Menunggu Tanggapan Pelapor", en: "Awaiting the reporter" },
  DITANGGAPI: { id: "Ditanggapi", en: "Responded" },
  SELESAI: { id: "Selesai", en: "Completed" },
  DITOLAK: { id: "Ditolak", en: "Rejected" },
  DIARSIPKAN: { id: "Diarsipkan", en: "Archived" },
  BANDING: { id: "Banding", en: "Under appeal" },
  DIGABUNGKAN: { id: "Digabungkan", en: "Linked to an earlier report" },
};

export function statusBadge(status) {
  const tone = STATUS_TONES[status.code] || "info";
  return h("span", { class: `badge badge-${tone}`, text: lang() === "en" ? status.en : status.id });
}

export function deadlineBadge(iso) {
  if (!iso) return null;
  const hours = (Date.parse(iso) - Date.now()) / 3_600_000;
  if (hours < 0) return h("span", { class: "badge badge-late", text: tr({ id: "Lewat tenggat", en: "Overdue" }) });
  const tone = hours <= 48 ? "warn" : "info";
  return h("span", { class: `badge badge-${tone}`, text: tr({ id: "Tenggat {at}", en: "Due {at}" }, { at: when(iso, false) }) });
}

// What an HTTP status means for the person, in their language; the service's own reason follows.
const STATUS_MEANINGS = {
  401: { id: "Sesi Anda berakhir atau data masuk salah.", en: "Your session ended or the sign-in was wrong." },
  403: { id: "Anda tidak berwenang melakukan ini.", en: "You may not do this." },
  404: { id: "Tidak ditemukan.", en: "Not found." },
  409: { id: "Laporan sudah berubah atau tindakan ini tidak berlaku untuk statusnya; muat ulang halaman.", en: "The report has changed or this action does not apply to its status; reload the page." },
  413: { id: "Isian terlalu besar.", en: "Too large." },
  422: { id: "Isian belum benar.", en: "Some fields are not right." },
  429: { id: "Terlalu banyak percobaan; tunggu sebentar.", en: "Too many attempts; wait a while." },
  503: { id: "Layanan sedang sibuk; coba lagi sebentar lagi.", en: "The service is busy; try again shortly." },
};

export function errorMessage(error) {
  if (error instanceof TypeError) {
    return tr({ id: "Tidak dapat terhubung. Periksa koneksi Anda lalu coba lagi.", en: "Cannot connect. Check your connection and try again." });
  }
  const meaning = STATUS_MEANINGS[error?.status];
  const reason = error?.message || String(error);
  return meaning ? `${tr(meaning)} (${reason})` : reason;
}

export function notice(target, kind, message, problems = []) {
  const role = kind === "error" ? "alert" : "status";
  const box = h("div", { class: `notice notice-${kind}`, role }, h("p", { text: message }));
  if (problems.length > 1) box.append(h("ul", {}, problems.map((p) => h("li", { text: p }))));
  target.replaceChildren(box);
  return box;
}

export function showError(target, error) {
  return notice(target, "error", errorMessage(error), error?.problems || []);
}

// Runs an action with its button disabled, so a slow network never submits twice.
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
