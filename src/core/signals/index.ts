// Reading the buyer's words: evidence, good signs, red flags and next questions from notes and lead text.
export type { AnswerFact, ChangeClaim, DateFact, PackFacts, PackFindings, Specific } from "./findings.ts";
export type { PackInput, SignalsLanguagePack } from "./language-pack.ts";
export { SIGNALS_THRESHOLDS, type SignalsThresholds } from "./neutral-rules.ts";
export { SIGNALS_LANGUAGE_PACKS, signalsLanguagePack } from "./packs.ts";
export {
  type DroppedSuggestion,
  mergeSuggestions,
  type ProviderInput,
  type ProviderSuggestions,
  ProviderSuggestionsSchema,
  type SignalsProvider,
} from "./provider.ts";
export { readSignals, SIGNALS_MAX_TEXT_LENGTH } from "./read-signals.ts";
export { type EvidenceSuggestion, suggestEvidence } from "./suggest-evidence.ts";
export * from "./types.ts";
