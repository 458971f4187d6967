import { WinnowError } from "../errors.ts";
import { ENGLISH } from "./en/index.ts";
import type { SignalsLanguagePack } from "./language-pack.ts";

/** Language packs built in. Add one by implementing SignalsLanguagePack and listing it here. */
export const SIGNALS_LANGUAGE_PACKS: Readonly<Record<string, SignalsLanguagePack>> = { en: ENGLISH };

/**
 * The pack for a language code (`en`, `en-GB` -> `en`).
 *
 * @example
 * signalsLanguagePack("en").lang; // "en"
 */
export function signalsLanguagePack(
  lang: string,
  packs: Readonly<Record<string, SignalsLanguagePack>> = SIGNALS_LANGUAGE_PACKS,
): SignalsLanguagePack {
  const base = lang.toLowerCase().split(/[-_]/)[0] ?? "";
  const pack = packs[lang] ?? packs[base];
  if (!pack)
    throw new WinnowError("WINNOW_ERR_SIGNALS_LANGUAGE", {
      message: `No signals language pack for "${lang}"; available: ${Object.keys(packs).join(", ")}`,
      details: { lang, available: Object.keys(packs) },
    });
  return pack;
}
