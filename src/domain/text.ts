// Characters a name must not hold: C0 and C1 controls (NUL, tab, newline, escape…) and the
// bidirectional overrides and isolates that make a name display as something else (U+202A–U+202E,
// U+2066–U+2069). One list, for the API's schemas and for names set outside the API (CLI, first run).

/** The character class body, as regular-expression source (also used as a JSON-schema pattern). */
export const unsafeNameChars = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069'
const unsafe = new RegExp(`[${unsafeNameChars}]`)

export const unsafeNameHint = 'not contain control characters (NUL, tab, newline…) or bidirectional overrides (U+202A–U+202E, U+2066–U+2069)'

export const hasUnsafeNameChars = (text: string): boolean => unsafe.test(text)

/** C0 and C1 controls only (a password may hold any other character). */
export const hasControlChars = (text: string): boolean => /[\u0000-\u001f\u007f-\u009f]/.test(text)
