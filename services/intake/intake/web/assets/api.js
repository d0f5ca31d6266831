// The platform's public REST APIs, same origin (the Ingress routes each path to its service).

const SESSION = "lapor.session";

export class ApiError extends Error {
  constructor(status, detail, problems) {
    super(detail);
    this.status = status;
    this.problems = problems;
  }
}

function reasons(data, status) {
  if (!data) return { detail: `HTTP ${status}`, problems: [] };
  if (Array.isArray(data.detail)) {
    const problems = data.detail.map((p) => `${(p.loc || []).slice(1).join(".")}: ${p.msg}`);
    return { detail: problems[0] || `HTTP ${status}`, problems };
  }
  return { detail: String(data.detail ?? data.description ?? `HTTP ${status}`), problems: data.problems || [] };
}

export function session() {
  const stored = JSON.parse(sessionStorage.getItem(SESSION) || "null");
  if (!stored || Date.parse(stored.expires_at) <= Date.now()) return null;
  return stored;
}

export function keepSession(value) {
  sessionStorage.setItem(SESSION, JSON.stringify(value));
}

export function endSession() {
  sessionStorage.removeItem(SESSION);
}

export async function api(path, { method = "GET", body, auth = false, secret, key, signal } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const signedIn = auth ? session() : null;
  if (signedIn) headers.authorization = `Bearer ${signedIn.token}`;
  if (secret) headers["x-access-secret"] = secret;
  if (key) headers["idempotency-key"] = key;
  const response = await fetch(path, {
    method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 200) }; }
  if (!response.ok) {
    if (response.status === 401 && auth) endSession();
    const { detail, problems } = reasons(data, response.status);
    throw new ApiError(response.status, detail, problems);
  }
  return data;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== "") search.append(name, String(one));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
