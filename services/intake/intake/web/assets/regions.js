// The region picker: province -> regency/city -> district -> village, from the reference
// data (GET /api/v1/regions), one level loaded at a time.

import { api, query } from "./api.js";
import { tr } from "./i18n.js";
import { h } from "./ui.js";

const LEVELS = ["province", "regency", "district", "village"];
const EMPTY = { id: "— Pilih —", en: "— Choose —" };

async function fill(select, parent) {
  const answer = await api(`/api/v1/regions${query({ parent })}`);
  select.replaceChildren(h("option", { value: "", text: tr(EMPTY) }),
    ...answer.regions.map((r) => h("option", { value: r.code, text: r.name })));
  select.disabled = false;
}

function clearBelow(selects, level) {
  for (const select of selects.slice(level + 1)) {
    select.replaceChildren();
    select.disabled = true;
  }
}

export function regionPicker(root = document) {
  const selects = LEVELS.map((id) => root.getElementById(id));
  selects.forEach((select, level) => {
    select.addEventListener("change", async () => {
      clearBelow(selects, level);
      const next = selects[level + 1];
      if (select.value && next) await fill(next, select.value);
    });
  });
  const picker = {
    ready: fill(selects[0], ""),
    // The deepest region chosen ("" when none).
    value() {
      return selects.map((s) => s.value).filter(Boolean).pop() || "";
    },
    // Sets every level down to the region with this code (e.g. one detected from the text).
    async choose(code) {
      const parts = code.split(".");
      for (let level = 0; level < parts.length && level < LEVELS.length; level += 1) {
        const wanted = parts.slice(0, level + 1).join(".");
        if (level > 0) await fill(selects[level], parts.slice(0, level).join("."));
        selects[level].value = wanted;
      }
      clearBelow(selects, parts.length - 1);
      if (parts.length < LEVELS.length) await fill(selects[parts.length], code);
    },
    focus() {
      selects[0].focus();
    },
  };
  return picker;
}

export async function regionPath(code) {
  const answer = await api(`/api/v1/regions/${encodeURIComponent(code)}`);
  return answer.path.map((r) => r.name).reverse().join(", ");
}
