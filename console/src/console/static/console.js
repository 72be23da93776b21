// OpsPact console: the little the server-rendered pages need from the browser.
// Countdowns, live rows, selection, pasted screenshots and shortcuts. No inline script
// anywhere (the CSP forbids it): everything hangs off data- attributes.
"use strict";

(function () {
  const csrf = () => {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  };

  // ---- countdowns ----------------------------------------------------------------
  // 7x24 clocks tick here from due_at; working-hours and working-day clocks are counted by
  // the server (holidays, 调休, working windows) and refreshed from it every minute.
  function duration(seconds) {
    const s = Math.abs(Math.trunc(seconds));
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d) return `${d}天${h}小时`;
    if (h) return `${h}小时${String(m).padStart(2, "0")}分`;
    return `${m}分${String(s % 60).padStart(2, "0")}秒`;
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll('.clock[data-state="running"][data-schedule="7x24"][data-due]').forEach((el) => {
      const due = Date.parse(el.dataset.due);
      if (Number.isNaN(due)) return;
      const warn = Date.parse(el.dataset.warn);
      const left = (due - now) / 1000;
      const value = el.querySelector(".clock-value");
      value.textContent = left < 0 ? `超时 ${duration(-left)}` : duration(left);
      el.classList.toggle("clock-overdue", left < 0);
      el.classList.toggle("clock-warning", left >= 0 && !Number.isNaN(warn) && now >= warn);
    });
  }

  function markWarnings(root) {
    const now = Date.now();
    root.querySelectorAll('.clock[data-state="running"][data-warn]').forEach((el) => {
      const warn = Date.parse(el.dataset.warn);
      if (!el.classList.contains("clock-overdue") && !Number.isNaN(warn) && now >= warn) el.classList.add("clock-warning");
    });
  }

  // ---- rows: patch in place, keeping what the person selected -----------------------
  const rowsUrl = () => document.querySelector("[data-rows]")?.dataset.rows;

  async function refreshRows(ids, prependNew) {
    const url = rowsUrl();
    if (!url || !ids.length) return;
    const answer = await fetch(`${url}?ids=${ids.map(encodeURIComponent).join(",")}`,
      { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!answer.ok) return;
    const holder = document.createElement("template");
    holder.innerHTML = `<table><tbody>${await answer.text()}</tbody></table>`;
    const body = document.getElementById("ticket-rows");
    const seen = new Set();
    holder.content.querySelectorAll("tr[data-id]").forEach((fresh) => {
      seen.add(fresh.dataset.id);
      const old = document.getElementById(fresh.id);
      if (old) {
        const box = old.querySelector('input[name="ids"]');
        const freshBox = fresh.querySelector('input[name="ids"]');
        if (box && freshBox) freshBox.checked = box.checked;
        if (old.contains(document.activeElement)) fresh.dataset.focused = "1";
        old.replaceWith(fresh);
      } else if (prependNew && body) {
        body.prepend(fresh);
        document.querySelector(".empty")?.remove();
      } else {
        return;
      }
      fresh.classList.add("changed");
      markWarnings(fresh);
      window.htmx?.process(fresh);
    });
    ids.filter((id) => !seen.has(id)).forEach((id) => document.getElementById(`t-${id}`)?.remove());
    updateSelection();
  }

  function queueIsUnfiltered() {
    const params = new URLSearchParams(location.search);
    for (const [k, v] of params) if (v && !(k === "view" && v === "all")) return false;
    return document.getElementById("tickets")?.dataset.pageFirst === "true";
  }

  function startLive() {
    const section = document.querySelector("[data-live]");
    if (!section || !window.EventSource) return;
    const state = document.getElementById("live-state");
    const source = new EventSource(section.dataset.live);
    source.onopen = () => { if (state) { state.textContent = state.dataset.on; state.classList.remove("off"); } };
    source.onerror = () => { if (state) { state.textContent = state.dataset.off; state.classList.add("off"); } };
    source.addEventListener("ticket", (event) => {
      const update = JSON.parse(event.data);
      const present = document.getElementById(`t-${update.ticket}`);
      if (present) return refreshRows([update.ticket], false);
      if (update.action === "created") {
        if (queueIsUnfiltered()) return refreshRows([update.ticket], true);
        document.getElementById("new-rows")?.removeAttribute("hidden");
      }
    });
    source.addEventListener("reload", () => document.getElementById("new-rows")?.removeAttribute("hidden"));
  }

  function refreshServerClocks() {
    const ids = [...document.querySelectorAll("tr[data-id]")]
      .filter((row) => row.querySelector('.clock[data-state="running"]:not([data-schedule="7x24"])'))
      .map((row) => row.dataset.id);
    refreshRows(ids, false);
  }

  // ---- selection and bulk actions -------------------------------------------------------
  function updateSelection() {
    const counter = document.getElementById("selected-count");
    if (!counter) return;
    const n = document.querySelectorAll('input[name="ids"]:checked').length;
    counter.textContent = counter.dataset.template.replace("{n}", n);
  }

  function showBulkField() {
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const action = form.querySelector('select[name="action"]').value;
    form.querySelectorAll(".bulk-field").forEach((field) => {
      field.hidden = field.dataset.for !== action;
      field.querySelectorAll("input, select").forEach((input) => { input.disabled = field.hidden; });
    });
  }

  // ---- pasted screenshots and dropped files ---------------------------------------------
  async function upload(url, file) {
    const data = new FormData();
    data.append("file", file, file.name || "粘贴的截图.png");
    const visibility = document.querySelector('[data-dropzone] input[name="visibility"]');
    data.append("visibility", visibility ? visibility.value : "internal");
    const answer = await fetch(url, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "HX-Request": "true" } });
    const html = await answer.text();
    const target = answer.headers.get("HX-Retarget") === "#flash"
      ? document.getElementById("flash") : document.getElementById("ticket-main");
    target.innerHTML = html;
    window.htmx?.process(target);
  }

  function wireUploads(root) {
    root.querySelectorAll("[data-paste-target]").forEach((area) => {
      if (area.dataset.wired) return;
      area.dataset.wired = "1";
      area.addEventListener("paste", (event) => {
        const files = [...(event.clipboardData?.files || [])].filter((f) => f.type.startsWith("image/"));
        if (!files.length) return;
        event.preventDefault();
        files.forEach((file) => upload(area.dataset.pasteTarget, file));
      });
    });
    root.querySelectorAll("[data-dropzone]").forEach((zone) => {
      if (zone.dataset.wired) return;
      zone.dataset.wired = "1";
      zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
      zone.addEventListener("dragleave", () => zone.classList.remove("over"));
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        zone.classList.remove("over");
        [...event.dataTransfer.files].forEach((file) => upload(zone.getAttribute("hx-post"), file));
      });
    });
  }

  // ---- photos from a phone's camera: made small enough for evidence before they are sent ----
  // (a phone's photo is 2–5 MB; an inspection keeps evidence up to 1 MB a file)
  const PHOTO_LIMIT = 900 * 1024, PHOTO_EDGE = 1600;

  async function shrink(file) {
    if (!file.type.startsWith("image/") || file.size <= PHOTO_LIMIT) return file;
    const image = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_EDGE / Math.max(image.width, image.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.5]) {
      const blob = await new Promise((done) => canvas.toBlob(done, "image/jpeg", quality));
      if (blob.size <= PHOTO_LIMIT || quality === 0.5) {
        return new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" });
      }
    }
    return file;
  }

  document.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.matches('form.checklist input[type="file"]') || !input.files.length) return;
    const form = input.form;
    form.dataset.shrinking = String(Number(form.dataset.shrinking || 0) + 1);
    const data = new DataTransfer();
    for (const file of input.files) data.items.add(await shrink(file));
    input.files = data.files;
    form.dataset.shrinking = String(Number(form.dataset.shrinking) - 1);
  });

  // ---- shortcuts ---------------------------------------------------------------------------
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function moveFocus(step) {
    const rows = [...document.querySelectorAll("tr[data-id] a.open")];
    if (!rows.length) return;
    const at = rows.indexOf(document.activeElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + step))] || rows[0];
    next.focus();
    next.closest("tr").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const keys = {
      j: () => moveFocus(1),
      k: () => moveFocus(-1),
      o: () => { if (document.activeElement?.matches("a.open")) document.activeElement.click(); },
      c: () => { if (document.querySelector('a[href="/console/tickets/new"]')) location.href = "/console/tickets/new"; },
      "/": () => document.querySelector("[data-shortcut='/']")?.focus(),
      "?": () => document.getElementById("shortcuts")?.showModal(),
    };
    const action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // ---- wiring -----------------------------------------------------------------------------
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches('input[name="ids"]')) updateSelection();
    if (target.id === "select-all") {
      document.querySelectorAll('input[name="ids"]').forEach((box) => { box.checked = target.checked; });
      updateSelection();
    }
    if (target.closest("#bulk-form") && target.name === "action") showBulkField();
    if (target.closest("form[data-autosubmit]") && target.tagName === "SELECT") target.form.requestSubmit();
  });

  document.addEventListener("queue-changed", () => {
    const selected = [...document.querySelectorAll('input[name="ids"]:checked')].map((box) => box.value);
    refreshRows(selected, false);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    markWarnings(event.target);
    wireUploads(event.target);
    updateSelection();
  });

  // ---- charts: the report's own numbers (data-chart), drawn by the vendored ECharts ----
  // Tooltips as rich text on the canvas: ECharts' HTML tooltips carry inline styles, which
  // the CSP refuses.
  const PALETTE = ["#2a8a4a", "#3c78b4", "#c8823c", "#8a4ab4", "#b44a4a", "#4ab4a8"];

  function chartOption(chart) {
    const names = Object.keys(chart.series);
    const base = { color: PALETTE, animation: false, textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: "axis", renderMode: "richText" }, grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true } };
    if (chart.kind === "bars") {  // volume by system: largest on top
      const values = chart.series[names[0]];
      return { ...base, xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: chart.labels, inverse: true },
        series: [{ type: "bar", name: names[0], data: values, label: { show: true, position: "right" } }] };
    }
    if (chart.kind === "histogram") {
      return { ...base, xAxis: { type: "category", data: chart.labels, name: chart.unit, nameLocation: "middle", nameGap: 28 },
        yAxis: { type: "value", minInterval: 1 }, grid: { ...base.grid, bottom: 28 },
        series: [{ type: "bar", name: names[0], data: chart.series[names[0]], itemStyle: { color: "#c8823c" } }] };
    }
    return { ...base, legend: { top: 0 }, xAxis: { type: "category", data: chart.labels },
      yAxis: { type: "value", min: 0, max: 100, name: chart.unit },
      series: names.map((name) => ({ type: "line", name, data: chart.series[name], connectNulls: false, symbolSize: 6,
        markLine: name === names[0] ? { silent: true, symbol: "none", data: [{ yAxis: 100 }], lineStyle: { color: "#b44", type: "dashed" } } : undefined })) };
  }

  function drawCharts() {
    if (!window.echarts) return;
    const drawn = [];
    document.querySelectorAll("[data-chart]").forEach((el) => {
      try {
        const chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(chartOption(JSON.parse(el.dataset.chart)));
        el.dataset.drawn = "true";
        drawn.push(chart);
      } catch (e) { el.dataset.drawn = "failed"; throw e; }
    });
    if (drawn.length) window.addEventListener("resize", () => drawn.forEach((c) => c.resize()));
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawCharts();
    // filters folded away on a phone, open on a desk
    if (window.matchMedia("(min-width: 701px)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach((d) => { d.open = true; });
    }
    markWarnings(document);
    wireUploads(document);
    showBulkField();
    updateSelection();
    tick();
    setInterval(tick, 1000);
    setInterval(refreshServerClocks, 60000);
    startLive();
  });
})();
