import { useCallback, useEffect, useRef, useState } from "react";

export type AsyncState<T> =
  | { readonly status: "loading"; readonly data: T | null }
  | { readonly status: "ok"; readonly data: T }
  | { readonly status: "error"; readonly error: unknown; readonly data: T | null };

/**
 * Runs `load` whenever `deps` change and keeps the latest answer; stale answers (from an older
 * request that finished late) are dropped. `reload` runs it again.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading", data: null });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ status: "loading", data: s.data }));
    loadRef.current().then(
      (data) => {
        if (mine === seq.current) setState({ status: "ok", data });
      },
      (error: unknown) => {
        if (mine === seq.current) setState((s) => ({ status: "error", error, data: s.data }));
      },
    );
    // biome-ignore lint/correctness/useExhaustiveDependencies: callers list what the load depends on
  }, deps);
  useEffect(() => {
    run();
  }, [run]);
  return { state, reload: run };
}
