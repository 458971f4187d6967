/** One entry of the error-code registry: a default message and the HTTP status it maps to. */
export type ErrorSpec = { readonly message: string; readonly status: number };
export type ErrorTable = Readonly<Record<`WINNOW_ERR_${string}`, ErrorSpec>>;
