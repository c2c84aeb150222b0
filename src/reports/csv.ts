// Reports as CSV: a header row, then one line per row; money in major units with two decimals.
import { stringify } from 'csv-stringify/sync'

export interface CsvColumn<R> { header: string; value: (row: R) => string | number | null }

/**
 * Text from customers (a web form's `source`, a name) ends up in these files, and a spreadsheet
 * runs a cell that starts with = + - @ (or a tab or CR) as a formula. csv-stringify's
 * escape_formulas puts a ' before such a text cell (numbers keep their minus), so the cell shows as
 * typed and runs nothing.
 */
export function toCsv<R> (rows: readonly R[], columns: ReadonlyArray<CsvColumn<R>>): string {
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))], { escape_formulas: true })
}

/** Minor units → "1499.00". */
export const major = (minor: number | null): string | null => (minor === null ? null : (minor / 100).toFixed(2))
