// Small labelled forms for the actions on a report (reply, rate, respond, route, ...): each
// field has a visible label, errors are announced, the button is disabled while sending.

import { tr } from "./i18n.js";
import { busy, h, showError } from "./ui.js";

let counter = 0;

function control(spec, id) {
  if (spec.type === "textarea") {
    return h("textarea", { id, name: spec.name, required: spec.required, maxlength: spec.max || 5000 });
  }
  if (spec.type === "select") {
    return h("select", { id, name: spec.name, required: spec.required },
      spec.options.map(([value, label]) => h("option", { value, text: tr(label) })));
  }
  return h("input", { id, name: spec.name, required: spec.required, maxlength: spec.max || 500 });
}

function field(spec) {
  counter += 1;
  const id = `f${counter}-${spec.name}`;
  const hint = spec.hint ? h("p", { class: "hint", id: `${id}-hint`, text: tr(spec.hint) }) : null;
  const input = control(spec, id);
  if (hint) input.setAttribute("aria-describedby", hint.id);
  return h("div", { class: "field" }, h("label", { for: id, text: tr(spec.label) }), hint, input);
}

function scores(spec) {
  const choices = [1, 2, 3, 4, 5].map((n) => h("label", {},
    h("input", { type: "radio", name: spec.name, value: String(n), required: true }), h("span", { text: `${n} ★` })));
  return h("fieldset", { class: "field" }, h("legend", { text: tr(spec.label) }), h("div", { class: "stars" }, choices));
}

function values(form, specs) {
  const body = {};
  for (const spec of specs) {
    const raw = form.elements.namedItem(spec.name)?.value ?? "";
    const value = spec.type === "score" ? Number(raw) : raw.trim();
    if (spec.type === "score" ? value > 0 : value !== "") body[spec.name] = value;
  }
  return body;
}

// A form titled `title` whose fields become the JSON body given to `send`; `done` runs after.
export function actionForm({ title, fields, submit, send, done, danger = false }) {
  const message = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit", class: danger ? "btn btn-danger" : "btn btn-primary", text: tr(submit) });
  const form = h("form", { class: "card stack", novalidate: true },
    h("h3", { text: tr(title) }),
    ...fields.map((spec) => (spec.type === "score" ? scores(spec) : field(spec))),
    message, h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    await busy(button, async () => {
      try {
        const answer = await send(values(form, fields));
        await done?.(answer);
      } catch (error) {
        showError(message, error);
      }
    });
  });
  return form;
}
