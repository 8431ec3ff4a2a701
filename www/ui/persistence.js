// IndexedDB persistence of runs: the events of finished trials are saved as they complete, so a
// reload restores the last run's leaderboard and curves (and offers to continue it). Nothing
// here leaves the browser.

const DB_NAME = "automl-playground";
const DB_VERSION = 1;
const STORE = "runs";
const KEEP_RUNS = 12;

let dbPromise = null;

function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (!("indexedDB" in self)) {
        reject(new Error("this browser has no IndexedDB; runs are not saved"));
        return;
      }
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) {
          const store = db.createObjectStore(STORE, { keyPath: "id" });
          store.createIndex("savedAt", "savedAt");
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error(`could not open the run store: ${req.error?.message ?? "unknown error"}`));
    });
  }
  return dbPromise;
}

function request(mode, fn) {
  return open().then(
    (db) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = fn(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result?.result);
        tx.onerror = () => reject(new Error(`run store: ${tx.error?.message ?? "transaction failed"}`));
        tx.onabort = () => reject(new Error(`run store: ${tx.error?.message ?? "transaction aborted"}`));
      }),
  );
}

/**
 * Saves (or replaces) a run record:
 * `{id, savedAt, config, label, fingerprint, inherit, finished, events}`.
 */
export async function saveRun(record) {
  await request("readwrite", (store) => store.put({ ...record, savedAt: Date.now() }));
  await prune();
}

/** All saved runs, newest first. */
export async function listRuns() {
  const runs = (await request("readonly", (store) => store.getAll())) ?? [];
  runs.sort((a, b) => b.savedAt - a.savedAt);
  return runs;
}

/** The most recently saved run, or null. */
export async function lastRun() {
  const runs = await listRuns();
  return runs[0] ?? null;
}

/** Deletes a run by id. */
export function deleteRun(id) {
  return request("readwrite", (store) => store.delete(id));
}

async function prune() {
  const runs = await listRuns();
  for (const old of runs.slice(KEEP_RUNS)) await deleteRun(old.id);
}
