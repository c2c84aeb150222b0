// Reports as CSV: a header row, then one line per row; money in major units with two decimals.
import { stringify } from 'csv-stringify/sync'

export interface CsvColumn<R> { header: string; value: (row: R) => string | number | null }

export function toCsv<R> (rows: readonly R[], columns: ReadonlyArray<CsvColumn<R>>): string {
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r) ?? ''))])
}

/** Minor units → "1499.00". */
export const major = (minor: number | null): string | null => (minor === null ? null : (minor / 100).toFixed(2))
