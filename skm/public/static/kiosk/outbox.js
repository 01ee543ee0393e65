// The kiosk's outbox: every submission is first written to IndexedDB, then sent, oldest
// first, one at a time, and removed only when the server confirms it (2xx, or 409 for
// "already stored"). Network errors, timeouts and 5xx keep it queued and retry with
// backoff; any other 4xx moves it to the "held" store (kept for staff, never retried, so
// that one bad record cannot block the queue); 401 means the kiosk was revoked.
// The page does all of this itself (no Background Sync), so it works with or without
// the service worker.

const DB_NAME = "skm-kiosk";
const DB_VERSION = 1;
const SEND_TIMEOUT_MS = 10000;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60000;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("outbox")) {
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      }
      if (!db.objectStoreNames.contains("held")) {
        db.createObjectStore("held", { keyPath: "seq" });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// crypto.randomUUID needs a secure context; getRandomValues works everywhere.
export function uuid4() {
  if (globalThis.crypto && crypto.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch (e) {
      // fall through
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Outbox {
  constructor({ url, token, onChange, onUnauthorized }) {
    this.url = url;
    this.token = token;
    this.onChange = onChange || (() => {});
    this.onUnauthorized = onUnauthorized || (() => {});
    this.db = null;
    this.sending = false;
    this.again = false;
    this.retryDelay = RETRY_MIN_MS;
    this.retryTimer = null;
    this.stopped = false;
    this.counts = { queued: 0, held: 0 };
  }

  async open() {
    this.db = await openDb();
    await this.refreshCounts();
    return this;
  }

  store(name, mode) {
    return this.db.transaction(name, mode).objectStore(name);
  }

  async refreshCounts() {
    const [queued, held] = await Promise.all([
      request(this.store("outbox", "readonly").count()),
      request(this.store("held", "readonly").count()),
    ]);
    this.counts = { queued, held };
    this.onChange(this.counts);
    return this.counts;
  }

  // Resolves once the submission is safely on the device; sending happens afterwards.
  async add(submission) {
    await new Promise((resolve, reject) => {
      const tx = this.db.transaction("outbox", "readwrite");
      tx.objectStore("outbox").add({ submission, queued_at: new Date().toISOString() });
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    await this.refreshCounts();
    this.flush();
  }

  async oldest() {
    return new Promise((resolve, reject) => {
      const req = this.store("outbox", "readonly").openCursor();
      req.onsuccess = () => resolve(req.result ? req.result.value : null);
      req.onerror = () => reject(req.error);
    });
  }

  async remove(seq) {
    await request(this.store("outbox", "readwrite").delete(seq));
  }

  async hold(item, status, body) {
    await new Promise((resolve, reject) => {
      const tx = this.db.transaction(["outbox", "held"], "readwrite");
      tx.objectStore("held").put({ ...item, status, answer: body, held_at: new Date().toISOString() });
      tx.objectStore("outbox").delete(item.seq);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }

  async send(item) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SEND_TIMEOUT_MS);
    const body = { ...item.submission, queue_length: this.counts.queued };
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.token}` },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      let answer = null;
      try {
        answer = await response.json();
      } catch (e) {
        answer = null;
      }
      return { status: response.status, answer };
    } catch (e) {
      return { status: 0, answer: null };
    } finally {
      clearTimeout(timer);
    }
  }

  // Single-flight: a call while sending makes the running loop go round once more.
  async flush() {
    if (this.stopped || !this.db) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    try {
      do {
        this.again = false;
        for (;;) {
          const item = await this.oldest();
          if (!item) break;
          const { status, answer } = await this.send(item);
          if ((status >= 200 && status < 300) || status === 409) {
            await this.remove(item.seq);
            this.retryDelay = RETRY_MIN_MS;
          } else if (status === 401) {
            this.stopped = true;
            this.onUnauthorized(answer);
            return;
          } else if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            await this.hold(item, status, answer);
          } else {
            this.scheduleRetry();
            return;
          }
          await this.refreshCounts();
        }
      } while (this.again);
    } finally {
      this.sending = false;
      await this.refreshCounts();
    }
  }

  scheduleRetry() {
    if (this.retryTimer || this.stopped) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delay);
  }

  // Coming back online: try at once, from the shortest delay again.
  wake() {
    this.retryDelay = RETRY_MIN_MS;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.flush();
  }
}
