// Where average QA scores come from. The speech branch plugs its scores in here; until then the
// reports show null.

/** Average QA score per operator over calls started in [fromMs, toMs); operators with none are left out. */
export interface QaScoreSource {
  qaScores (fromMs: number, toMs: number): Map<string, number>
}

export const noQaScores: QaScoreSource = { qaScores: () => new Map() }
