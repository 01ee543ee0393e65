// The kiosk screen: one question per screen with big answer buttons, then the profile,
// an optional suggestion, a thank-you screen and an automatic reset for the next person.
// Configuration (unit, questionnaire, choices, texts in the kiosk's language) comes from
// /kios/api/config with the device token and is kept in localStorage so that the screen
// also starts without the network. Submissions go through the Outbox (outbox.js).

import { Outbox, uuid4 } from "./outbox.js";

const TOKEN_KEY = "skm-kiosk-token";
const REVOKED_KEY = "skm-kiosk-revoked";
const LANG_KEY = "skm-kiosk-lang";
const CONFIG_KEY = "skm-kiosk-config-";
const HEARTBEAT_MS = 60000;
const CONFIG_REFRESH_MS = 10 * 60000;
const FETCH_TIMEOUT_MS = 8000;
// Before a half-filled form is cleared, "Masih di sini?" asks for the last third of the idle
// time, at most this many seconds: the form is still cleared after idle_reset_seconds.
const STILL_HERE_MAX_SECONDS = 15;

const root = document.getElementById("kiosk");
const urls = {
  config: root.dataset.configUrl,
  responses: root.dataset.responsesUrl,
  heartbeat: root.dataset.heartbeatUrl,
  worker: root.dataset.workerUrl,
  scope: root.dataset.scope,
};

const state = {
  token: localStorage.getItem(TOKEN_KEY) || "",
  lang: localStorage.getItem(LANG_KEY) || document.documentElement.lang || "id",
  config: null,
  configAt: 0,
  screen: "loading",
  step: 0,
  draft: null,
  lastActivity: Date.now(),
  thanksLeft: 0,
  stillLeft: 0,
  counts: { queued: 0, held: 0 },
  outbox: null,
};

// ---------------------------------------------------------------------------------------
// Small DOM helpers (no framework; no inline styles, so a strict CSP holds)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function fmt(text, values) {
  return String(text).replace(/%\((\w+)\)s/g, (m, name) => (name in values ? values[name] : m));
}

// Sentences of the page itself, for the screens shown before any configuration exists.
const pageTexts = { ...(document.getElementById("kiosk-texts") || { dataset: {} }).dataset };

function t(key, values) {
  const texts = (state.config && state.config.texts) || pageTexts;
  const text = texts[key] || pageTexts[key] || key;
  return values ? fmt(text, values) : text;
}

async function fetchWithTimeout(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    return await fetch(url, { ...options, signal: controller.signal, credentials: "omit" });
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// Configuration

function storedConfig(lang) {
  try {
    return JSON.parse(localStorage.getItem(CONFIG_KEY + lang) || "null");
  } catch (e) {
    return null;
  }
}

async function loadConfig() {
  try {
    const response = await fetchWithTimeout(`${urls.config}?lang=${encodeURIComponent(state.lang)}`, {
      headers: { Authorization: `Bearer ${state.token}` },
      cache: "no-store",
    });
    if (response.status === 401) {
      revoked(await response.json().catch(() => null));
      return false;
    }
    if (response.ok) {
      state.config = await response.json();
      state.configAt = Date.now();
      localStorage.setItem(CONFIG_KEY + state.lang, JSON.stringify(state.config));
      return true;
    }
  } catch (e) {
    // offline or timed out: fall back to the last configuration kept on the device
  }
  const kept = storedConfig(state.lang) || storedConfig("id") || storedConfig("en");
  if (kept) {
    state.config = kept;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// The form's steps

function steps() {
  const c = state.config;
  const list = [];
  if (!c.service && c.services.length) list.push({ kind: "service" });
  c.elements.forEach((element, index) => list.push({ kind: "element", element, index }));
  list.push({ kind: "gender" }, { kind: "age" }, { kind: "education" }, { kind: "occupation" });
  list.push({ kind: "suggestion" });
  return list;
}

function newDraft() {
  return {
    service: null,
    answers: {},
    profile: { gender: "", age: null, education: "", occupation: "", occupation_other: "" },
    suggestion: "",
  };
}

function start() {
  state.draft = newDraft();
  state.step = 0;
  show("step");
}

function reset() {
  state.draft = null;
  state.step = 0;
  const stale = Date.now() - state.configAt > CONFIG_REFRESH_MS;
  show(state.config && state.config.period ? "start" : "closed");
  if (stale) loadConfig().then((ok) => ok && state.screen === "start" && render());
}

function next() {
  state.step += 1;
  if (state.step >= steps().length) submit();
  else render();
}

function back() {
  if (state.step === 0) reset();
  else {
    state.step -= 1;
    render();
  }
}

async function submit() {
  const d = state.draft;
  const submission = {
    client_id: uuid4(),
    given_at: new Date().toISOString(),
    service: state.config.service ? state.config.service.slug : d.service,
    answers: d.answers,
    profile: d.profile,
    suggestion: d.suggestion,
  };
  state.draft = null;
  await state.outbox.add(submission);
  state.thanksLeft = state.config.thanks_seconds || 6;
  show("thanks");
}

// ---------------------------------------------------------------------------------------
// Screens

function show(screen) {
  state.screen = screen;
  render();
}

function bigButton(label, onclick, attrs = {}) {
  return el("button", { type: "button", class: "k-choice", onclick, ...attrs }, label);
}

function navRow({ skip, nextButton } = {}) {
  return el(
    "div",
    { class: "k-nav" },
    el("button", { type: "button", class: "k-secondary", onclick: back }, t("back")),
    skip ? el("button", { type: "button", class: "k-secondary", onclick: skip }, t("skip")) : null,
    nextButton || null,
  );
}

function progress() {
  const total = steps().length;
  return el("progress", {
    class: "k-progress",
    max: String(total),
    value: String(state.step),
    "aria-label": `${state.step + 1} / ${total}`,
  });
}

function choiceScreen(title, choices, current, pick, { skip = true, extra = null } = {}) {
  return [
    progress(),
    el("h1", { class: "k-question", id: "k-title", text: title }),
    el(
      "div",
      { class: "k-choices", role: "group", "aria-labelledby": "k-title" },
      choices.map((choice) =>
        bigButton(choice.label, () => pick(choice.code), {
          "aria-pressed": current === choice.code ? "true" : "false",
          dataset: { code: choice.code },
        }),
      ),
    ),
    extra,
    navRow({ skip: skip ? () => { pick(""); } : null }),
  ];
}

function renderStep() {
  const all = steps();
  const current = all[state.step];
  const d = state.draft;
  const c = state.config;
  if (current.kind === "service") {
    return [
      progress(),
      el("h1", { class: "k-question", id: "k-title", text: t("service_question") }),
      el(
        "div",
        { class: "k-choices", role: "group", "aria-labelledby": "k-title" },
        c.services.map((s) =>
          bigButton(s.name, () => { d.service = s.slug; next(); }, {
            "aria-pressed": d.service === s.slug ? "true" : "false",
          }),
        ),
        bigButton(t("service_skip"), () => { d.service = null; next(); }, { class: "k-choice k-muted" }),
      ),
      navRow(),
    ];
  }
  if (current.kind === "element") {
    const e = current.element;
    const chosen = d.answers[e.code];
    return [
      progress(),
      el("p", { class: "k-counter", text: t("question_of", { n: current.index + 1, total: c.elements.length }) }),
      el("h1", { class: "k-question", id: "k-title" }, e.question),
      el("p", { class: "k-element-name", text: e.name }),
      el(
        "div",
        { class: "k-answers", role: "group", "aria-labelledby": "k-title" },
        e.labels.map((label, i) =>
          el(
            "button",
            {
              type: "button",
              class: `k-answer k-score-${i + 1}`,
              "aria-pressed": chosen === i + 1 ? "true" : "false",
              dataset: { score: String(i + 1) },
              onclick: () => { d.answers[e.code] = i + 1; next(); },
            },
            el("span", { class: "k-answer-label", text: label }),
            el("span", { class: "k-dots", "aria-hidden": "true", text: "●".repeat(i + 1) }),
          ),
        ),
      ),
      navRow(),
    ];
  }
  if (current.kind === "gender") {
    return choiceScreen(t("gender"), c.profile.genders, d.profile.gender, (code) => {
      d.profile.gender = code;
      next();
    });
  }
  if (current.kind === "education") {
    return choiceScreen(t("education"), c.profile.educations, d.profile.education, (code) => {
      d.profile.education = code;
      next();
    });
  }
  if (current.kind === "occupation") {
    if (d.profile.occupation === "LAINNYA") {
      const input = el("input", {
        id: "k-other",
        class: "k-input",
        type: "text",
        maxlength: "120",
        autocomplete: "off",
        value: d.profile.occupation_other,
      });
      const done = () => { d.profile.occupation_other = input.value.trim(); next(); };
      return [
        progress(),
        el("h1", { class: "k-question", text: t("occupation") }),
        el("label", { for: "k-other", class: "k-label", text: t("occupation_other") }),
        input,
        navRow({
          nextButton: el("button", { type: "button", class: "k-primary", onclick: done }, t("next")),
        }),
      ];
    }
    return choiceScreen(t("occupation"), c.profile.occupations, d.profile.occupation, (code) => {
      d.profile.occupation = code;
      if (code !== "LAINNYA") {
        d.profile.occupation_other = "";
        next();
      } else render();
    });
  }
  if (current.kind === "age") {
    const input = el("input", {
      id: "k-age",
      class: "k-input k-age",
      type: "number",
      inputmode: "numeric",
      min: String(c.profile.age_min),
      max: String(c.profile.age_max),
      value: d.profile.age === null ? "" : String(d.profile.age),
    });
    const error = el("p", { class: "k-error", role: "alert", hidden: true, text: t("age_invalid") });
    const done = () => {
      const raw = input.value.trim();
      if (raw === "") {
        d.profile.age = null;
        next();
        return;
      }
      const age = Number(raw);
      if (!Number.isInteger(age) || age < c.profile.age_min || age > c.profile.age_max) {
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      d.profile.age = age;
      next();
    };
    input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") done(); });
    return [
      progress(),
      el("h1", { class: "k-question" }, el("label", { for: "k-age", text: t("age") })),
      input,
      error,
      navRow({
        skip: () => { d.profile.age = null; next(); },
        nextButton: el("button", { type: "button", class: "k-primary", onclick: done }, t("next")),
      }),
    ];
  }
  // suggestion
  const area = el("textarea", { id: "k-suggestion", class: "k-input k-textarea", maxlength: "2000", rows: "4" });
  area.value = d.suggestion;
  area.addEventListener("input", () => { d.suggestion = area.value; });
  return [
    progress(),
    el("h1", { class: "k-question" }, el("label", { for: "k-suggestion", text: t("suggestion_title") })),
    el("p", { class: "k-hint", text: t("suggestion_hint") }),
    area,
    navRow({
      nextButton: el(
        "button",
        { type: "button", class: "k-primary k-submit", onclick: () => { d.suggestion = area.value.trim(); next(); } },
        t("submit"),
      ),
    }),
  ];
}

function message(title, lead, ...extra) {
  return [el("h1", { class: "k-title", text: title }), el("p", { class: "k-lead", text: lead }), ...extra];
}

function renderScreen() {
  const c = state.config;
  switch (state.screen) {
    case "notsetup":
      return message(t("not_set_up_title"), t("not_set_up_lead"));
    case "revoked":
      return message(
        t("revoked_title"),
        t("revoked_lead"),
        state.counts.queued + state.counts.held
          ? el("p", { class: "k-warning", text: t("unsent", { n: state.counts.queued + state.counts.held }) })
          : null,
      );
    case "closed":
      return message(t("closed_title"), t("closed_lead"));
    case "start":
      return [
        el("p", { class: "k-unit", text: c.service ? `${c.unit.name} · ${c.service.name}` : c.unit.name }),
        el("h1", { class: "k-title", text: t("start_title") }),
        el("p", { class: "k-lead", text: t("start_lead") }),
        el("button", { type: "button", class: "k-primary k-start", onclick: start }, t("start")),
      ];
    case "thanks":
      return [
        el("h1", { class: "k-title k-thanks", text: t("thanks_title") }),
        el("p", { class: "k-lead", text: t("thanks_lead") }),
        state.counts.queued && (navigator.onLine === false || state.outbox.retryTimer !== null)
          ? el("p", { class: "k-hint", text: t("thanks_saved_offline") })
          : null,
        el("p", { class: "k-hint", id: "k-countdown", text: t("thanks_reset", { n: state.thanksLeft }) }),
        el("button", { type: "button", class: "k-primary", onclick: reset }, t("done")),
      ];
    case "step":
      return renderStep();
    case "stillhere":
      return [
        el("h1", { class: "k-title", text: t("still_here_title") }),
        el("p", { class: "k-lead", text: t("still_here_lead") }),
        el("p", { class: "k-hint", id: "k-still-countdown", role: "timer", text: t("still_here_reset", { n: state.stillLeft }) }),
        el("button", { type: "button", class: "k-primary k-continue", onclick: keepGoing }, t("still_here_continue")),
      ];
    default:
      return [el("p", { class: "k-lead", text: t("loading") })];
  }
}

function statusBar() {
  const { queued, held } = state.counts;
  const c = state.config;
  return el(
    "div",
    { class: "k-status" },
    el(
      "p",
      { id: "k-queue", class: queued ? "k-queue" : "k-queue k-empty", role: "status", dataset: { count: String(queued) } },
      queued ? (queued === 1 ? t("queued_one") : t("queued_many", { n: queued })) : "",
    ),
    held ? el("p", { id: "k-held", class: "k-held", dataset: { count: String(held) }, text: t("held", { n: held }) }) : null,
    navigator.onLine === false ? el("p", { class: "k-offline", text: t("offline") }) : null,
    c && c.languages
      ? el(
          "nav",
          { class: "k-lang", "aria-label": t("language") },
          c.languages.map((l) =>
            el(
              "button",
              {
                type: "button",
                class: "k-lang-button",
                lang: l.code,
                "aria-pressed": l.code === state.lang ? "true" : "false",
                onclick: () => switchLanguage(l.code),
              },
              l.code.toUpperCase(),
            ),
          ),
        )
      : null,
  );
}

function render() {
  document.documentElement.lang = state.lang;
  document.body.dataset.screen = state.screen;
  const main = el("main", { class: `k-main k-screen-${state.screen}`, id: "k-main" }, renderScreen());
  root.replaceChildren(main, statusBar());
  const focus = main.querySelector("h1");
  if (focus) {
    focus.setAttribute("tabindex", "-1");
    focus.focus({ preventScroll: true });
  }
}

async function switchLanguage(lang) {
  if (lang === state.lang) return;
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  await loadConfig();
  render();
}

function revoked() {
  localStorage.setItem(REVOKED_KEY, "1");
  if (state.outbox) state.outbox.stopped = true;
  show("revoked");
}

// ---------------------------------------------------------------------------------------
// Timers: thank-you countdown, idle reset, heartbeat

function tick() {
  const now = Date.now();
  if (state.screen === "thanks") {
    state.thanksLeft -= 1;
    if (state.thanksLeft <= 0) reset();
    else {
      const countdown = document.getElementById("k-countdown");
      if (countdown) countdown.textContent = t("thanks_reset", { n: state.thanksLeft });
    }
    return;
  }
  if (state.screen === "stillhere") {
    state.stillLeft -= 1;
    if (state.stillLeft <= 0) reset();
    else {
      const countdown = document.getElementById("k-still-countdown");
      if (countdown) countdown.textContent = t("still_here_reset", { n: state.stillLeft });
    }
    return;
  }
  if (state.screen === "step" && state.config) {
    const idle = state.config.kiosk.idle_reset_seconds || 90;
    const ask = Math.max(1, Math.min(STILL_HERE_MAX_SECONDS, Math.floor(idle / 3)));
    if (now - state.lastActivity >= (idle - ask) * 1000) {
      state.stillLeft = ask;
      show("stillhere");
    }
  }
}

// "Lanjutkan": back to the question the person was on, with every answer kept.
function keepGoing() {
  touched();
  show("step");
}

async function heartbeat() {
  if (state.screen === "revoked" || !state.token) return;
  try {
    const response = await fetchWithTimeout(urls.heartbeat, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ queue_length: state.counts.queued, held: state.counts.held }),
      cache: "no-store",
    });
    if (response.status === 401) revoked();
    else if (response.ok && state.screen === "closed") {
      if ((await loadConfig()) && state.config.period) reset();
    }
  } catch (e) {
    // offline: the next beat will tell
  }
}

function touched() {
  state.lastActivity = Date.now();
}

// ---------------------------------------------------------------------------------------
// Start

async function main() {
  for (const type of ["pointerdown", "keydown", "input", "touchstart"]) {
    document.addEventListener(type, touched, { passive: true, capture: true });
  }
  // A kiosk is not a browser: no context menu, no dragging content out.
  document.addEventListener("contextmenu", (ev) => ev.preventDefault());
  document.addEventListener("dragstart", (ev) => ev.preventDefault());
  window.addEventListener("online", () => { if (state.outbox) state.outbox.wake(); render(); });
  window.addEventListener("offline", () => render());

  if ("serviceWorker" in navigator && urls.worker) {
    navigator.serviceWorker.register(urls.worker, { scope: urls.scope }).catch(() => {});
  }
  if (!state.token) {
    state.config = storedConfig(state.lang);
    show("notsetup");
    return;
  }
  state.outbox = await new Outbox({
    url: urls.responses,
    token: state.token,
    onChange: (counts) => {
      const changed = counts.queued !== state.counts.queued || counts.held !== state.counts.held;
      state.counts = counts;
      if (state.screen === "loading") return;
      if (changed && state.screen !== "step") render();
      else if (changed) root.replaceChild(statusBar(), root.lastChild);
    },
    onUnauthorized: revoked,
  }).open();
  if (localStorage.getItem(REVOKED_KEY)) {
    state.config = storedConfig(state.lang);
    revoked();
    return;
  }
  if (!(await loadConfig())) {
    show("loading");
    setTimeout(() => window.location.reload(), 15000);
    return;
  }
  if (state.screen === "revoked") return;
  reset();
  state.outbox.flush();
  setInterval(tick, 1000);
  setInterval(heartbeat, HEARTBEAT_MS);
  heartbeat();
}

main();
