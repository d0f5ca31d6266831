// Signing in: POST /api/v1/sessions gives a bearer token kept for this browser tab only.

import { api, keepSession } from "./api.js";
import { tr } from "./i18n.js";
import { busy, notice, showError, start } from "./ui.js";

const form = document.getElementById("sign-in");
const message = document.getElementById("sign-in-message");

function destination(role) {
  const next = new URLSearchParams(location.search).get("next") || "";
  const home = role === "administrator" ? "/admin/" : "/petugas/";
  // Only a path on this site: never an address elsewhere.
  return next.startsWith("/") && !next.startsWith("//") ? next : home;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = form.elements.namedItem("username").value.trim().toLowerCase();
  const password = form.elements.namedItem("password").value;
  if (!username || !password) {
    notice(message, "error", tr({ id: "Isi nama pengguna dan kata sandi.", en: "Enter your username and password." }));
    return;
  }
  await busy(event.submitter, async () => {
    try {
      const signedIn = await api("/api/v1/sessions", { method: "POST", body: { username, password } });
      keepSession(signedIn);
      location.assign(destination(signedIn.role));
    } catch (error) {
      form.elements.namedItem("password").value = "";
      showError(message, error);
    }
  });
});

start();
