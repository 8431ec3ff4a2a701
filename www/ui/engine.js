// The page's handle on the engine worker: request/response by message id, plus a stream of
// unsolicited messages (search events and run-state changes) delivered to listeners.

export class Engine {
  constructor(url) {
    this.worker = new Worker(url, { type: "module" });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      const message = `The engine failed to start: ${event.message || "the worker could not be loaded"}`;
      for (const { reject } of this.pending.values()) reject(new Error(message));
      this.pending.clear();
      this.emit({ type: "fatal", message });
    };
  }

  receive(msg) {
    if (msg && msg.id !== undefined) {
      const entry = this.pending.get(msg.id);
      if (!entry) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) entry.reject(new Error(msg.error));
      else entry.resolve(msg.result);
      return;
    }
    this.emit(msg);
  }

  emit(msg) {
    for (const fn of this.listeners) fn(msg);
  }

  /** Registers a listener for unsolicited messages (`{type: "events"|"run"|"fatal", …}`). */
  on(fn) {
    this.listeners.add(fn);
  }

  /** Sends a request; resolves with the worker's result or rejects with its readable error. */
  call(method, params = {}, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, params }, transfer);
    });
  }
}
