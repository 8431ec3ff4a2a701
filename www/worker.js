// The engine's home: a module Web Worker that loads the wasm and answers the page's requests.
// The page never runs engine code itself, so it stays responsive during a search.
import init, * as engine from "./pkg/automl.js";

const ready = init();

function describe(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

self.onmessage = async (event) => {
  const { id, method, params } = event.data;
  try {
    await ready;
    let result;
    switch (method) {
      case "selfCheck":
        result = await engine.selfCheck();
        break;
      default:
        throw new Error(`unknown request "${method}"`);
    }
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: describe(err) });
  }
};
