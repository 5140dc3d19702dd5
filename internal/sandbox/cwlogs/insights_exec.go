package cwlogs

import "sort"

// Logs Insights execution: the events of the queried groups become records, the commands
// transform them in order, and the visible fields of what remains are the results.

type resultField struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

type queryStats struct {
	RecordsMatched          float64 `json:"recordsMatched"`
	RecordsScanned          float64 `json:"recordsScanned"`
	EstimatedRecordsSkipped float64 `json:"estimatedRecordsSkipped"`
	BytesScanned            float64 `json:"bytesScanned"`
	EstimatedBytesSkipped   float64 `json:"estimatedBytesSkipped"`
	LogGroupsScanned        float64 `json:"logGroupsScanned"`
}

// Default output fields when a query has no fields/display/stats command.
// UNCONFIRMED: AWS's exact default projection; the five system fields are returned.
var defaultFields = []string{"@timestamp", "@message", "@logStream", "@log"}

func (s *Service) runQuery(cmds []qcmd, groups []*logGroup, startMs, endMs int64, maxRows int) ([][]resultField, queryStats) {
	q := &queryRun{}
	q.stats.LogGroupsScanned = float64(len(groups))
	for _, g := range groups {
		logID := s.opt.AccountID + ":" + g.name
		for _, ls := range g.streams {
			lo, hi := ls.window(startMs, endMs+1)
			for i := lo; i < hi; i++ {
				e := &ls.events[i]
				q.stats.RecordsScanned++
				q.stats.BytesScanned += float64(len(e.msg))
				q.recs = append(q.recs, &record{ev: e, stream: ls.name, logID: logID})
			}
		}
	}
	// Without a sort command, events come newest first (dedup's documented default).
	recs := q.recs
	sort.SliceStable(recs, func(i, j int) bool { return keyLess(recs[j].ev.key(), recs[i].ev.key()) })

	for _, c := range cmds {
		c.apply(q)
	}
	q.countMatched()
	if !q.projected {
		q.visible = defaultFields
	}
	return q.rows(maxRows), q.stats
}

// rows renders the first maxRows records as results: their visible fields, and @ptr for
// log events.
func (q *queryRun) rows(maxRows int) [][]resultField {
	recs := q.recs
	if len(recs) > maxRows {
		recs = recs[:maxRows]
	}
	ptrVisible := false
	for _, f := range q.visible {
		ptrVisible = ptrVisible || f == "@ptr"
	}
	rows := make([][]resultField, 0, len(recs))
	for _, r := range recs {
		row := []resultField{}
		for _, f := range q.visible {
			if v, ok := r.get(f); ok {
				row = append(row, resultField{Field: f, Value: v.s})
			}
		}
		if !q.statsDone && r.ev != nil && !ptrVisible {
			// "@ptr always returned" for log-event results.
			row = append(row, resultField{Field: "@ptr", Value: r.ptr()})
		}
		rows = append(rows, row)
	}
	return rows
}
