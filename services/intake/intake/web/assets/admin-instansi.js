// The agency directory for administrators: find an agency, see its escalation chain, connect
// its own systems (a Kafka topic of its own), and give its officers accounts.

import { api, query } from "./api.js";
import { actionForm } from "./forms.js";
import { tr } from "./i18n.js";
import { busy, h, notice, requireRole, showError, start } from "./ui.js";

const signedIn = requireRole("administrator");
const form = document.getElementById("agency-search");
const message = document.getElementById("directory-message");
const detail = document.getElementById("agency");
let found = [];
let shown = null;

function listing() {
  document.getElementById("agencies").replaceChildren(...found.map((agency) => h("li", {},
    h("button", { type: "button", class: "btn", text: agency.name, onclick: () => open(agency.code) }),
    h("div", { class: "meta" }, h("span", { text: agency.code }), agency.connection ? h("span", { class: "badge badge-ok", text: tr({ id: "Terhubung", en: "Connected" }) }) : null))));
}

function connection(agency) {
  if (!agency.connection) return h("p", { text: tr({ id: "Belum terhubung: instansi belum menerima topik Kafka sendiri.", en: "Not connected: the agency has no Kafka topic of its own yet." }) });
  const c = agency.connection;
  return h("dl", { class: "facts" }, h("dt", { text: tr({ id: "Topik", en: "Topic" }) }), h("dd", { text: c.topic }),
    h("dt", { text: tr({ id: "Awalan grup konsumen", en: "Consumer group prefix" }) }), h("dd", { text: c.consumer_group_prefix }),
    h("dt", { text: tr({ id: "Principal", en: "Principal" }) }), h("dd", { text: c.principal }));
}

function connectButton(agency) {
  if (agency.connection) return null;
  const button = h("button", { type: "button", class: "btn btn-primary", text: tr({ id: "Hubungkan instansi", en: "Connect the agency" }) });
  button.addEventListener("click", () => busy(button, async () => {
    try {
      await api(`/api/v1/agencies/${encodeURIComponent(agency.code)}/connect`, { method: "POST", auth: true });
      await open(agency.code);
      notice(message, "ok", tr({ id: "Instansi terhubung.", en: "The agency is connected." }));
    } catch (error) {
      showError(message, error);
    }
  }));
  return h("div", { class: "actions" }, button);
}

function accounts(agency, list) {
  const created = h("div", { "aria-live": "polite" });
  const add = actionForm({ title: { id: "Buat akun petugas", en: "Create an officer account" },
    fields: [{ name: "username", label: { id: "Nama pengguna", en: "Username" }, required: true, hint: { id: "Huruf kecil, angka, titik, strip; 3-64 karakter.", en: "Lower-case letters, digits, dots, dashes; 3-64 characters." } },
      { name: "display_name", label: { id: "Nama lengkap", en: "Full name" }, required: true }],
    submit: { id: "Buat akun", en: "Create account" },
    send: (body) => api("/api/v1/accounts", { method: "POST", auth: true, body: { ...body, role: "officer", agency_code: agency.code } }),
    done: (answer) => notice(created, "ok", tr({ id: "Akun {user} dibuat. Kata sandi awal (hanya ditampilkan sekali): {password}", en: "Account {user} created. Initial password (shown once): {password}" }, { user: answer.username, password: answer.initial_password })) });
  return h("section", { "aria-labelledby": "accounts-title" }, h("h3", { id: "accounts-title", text: tr({ id: "Akun petugas", en: "Officer accounts" }) }),
    h("ul", {}, list.map((a) => h("li", { text: `${a.username} — ${a.display_name}${a.disabled ? ` (${tr({ id: "nonaktif", en: "disabled" })})` : ""}` }))),
    created, add);
}

async function open(code) {
  try {
    const [agency, people] = await Promise.all([api(`/api/v1/agencies/${encodeURIComponent(code)}`),
      api(`/api/v1/accounts${query({ agency: code })}`, { auth: true })]);
    shown = { agency, people: people.accounts };
    render();
    detail.querySelector("h2")?.focus();
  } catch (error) {
    showError(message, error);
  }
}

function render() {
  listing();
  if (!shown) return;
  const { agency, people } = shown;
  detail.replaceChildren(h("div", { class: "card stack" },
    h("h2", { tabindex: "-1", text: agency.name }),
    h("p", { class: "muted", text: `${agency.code} · ${agency.kind}` }),
    h("p", { text: tr({ id: "Rantai eskalasi: {chain}", en: "Escalation chain: {chain}" }, { chain: agency.escalation_chain.join(" → ") }) }),
    connection(agency), connectButton(agency), accounts(agency, people)));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  message.replaceChildren();
  await busy(event.submitter, async () => {
    try {
      found = (await api(`/api/v1/agencies${query({ q: form.elements.namedItem("q").value.trim() })}`)).agencies;
      if (!found.length) notice(message, "info", tr({ id: "Tidak ada instansi yang cocok.", en: "No agency matches." }));
      render();
    } catch (error) {
      showError(message, error);
    }
  });
});

if (signedIn) start(render);
