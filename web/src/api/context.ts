import { createContext, useContext } from "react";
import type { Session } from "../session.ts";
import type { Api } from "./client.ts";

export const ApiContext = createContext<{ api: Api; session: Session } | null>(null);

/** The signed-in API client and session (only inside the signed-in shell). */
export function useApi(): { api: Api; session: Session } {
  const value = useContext(ApiContext);
  if (!value) throw new Error("useApi outside the signed-in app");
  return value;
}
