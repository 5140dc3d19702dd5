package cwlogs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Logs Insights records: one log event (or one stats row) as the commands of a query see it,
// with the system fields and the fields discovered in JSON messages.

type record struct {
	ev     *event
	stream string
	logID  string // "account:group" (@log)
	set    map[string]qval
	disc   map[string]qval
	parsed bool
	row    bool // a stats output row: only set fields
}

func (r *record) get(name string) (qval, bool) {
	if v, ok := r.set[name]; ok {
		return v, true
	}
	if r.row || r.ev == nil {
		return qval{}, false
	}
	switch name {
	case "@timestamp":
		return timeVal(r.ev.ts), true
	case "@message":
		return strVal(r.ev.msg), true
	case "@logStream":
		return strVal(r.stream), true
	case "@log":
		return strVal(r.logID), true
	case "@ingestionTime":
		return timeVal(r.ev.ingest), true
	case "@ptr":
		return strVal(r.ptr()), true
	}
	if !r.parsed {
		r.parsed = true
		r.disc = discoverJSON(r.ev.msg)
	}
	v, ok := r.disc[name]
	return v, ok
}

func (r *record) ptr() string {
	return base64.RawStdEncoding.EncodeToString([]byte(fmt.Sprintf("%s\x00%s\x00%d\x00%d", r.logID, r.stream, r.ev.ts, r.ev.seq)))
}

func (r *record) assign(name string, v qval, ok bool) {
	if r.set == nil {
		r.set = map[string]qval{}
	}
	if ok {
		r.set[name] = v
	} else {
		delete(r.set, name)
	}
}

// discoverJSON implements Insights JSON field discovery for messages that are JSON
// objects: leaf values by dotted path (message.details), arrays by index (a.0).
// Objects and arrays themselves are not fields; null is absent.
// UNCONFIRMED: the exact discovery rules (limits, arrays) beyond dot access.
func discoverJSON(msg string) map[string]qval {
	t := strings.TrimSpace(msg)
	if !strings.HasPrefix(t, "{") {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil {
		return nil
	}
	out := map[string]qval{}
	flattenJSON("", doc, out, 0)
	return out
}

func flattenJSON(prefix string, v any, out map[string]qval, depth int) {
	if depth > 64 {
		return
	}
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			flattenJSON(join(k), x, out, depth+1)
		}
	case []any:
		for i, x := range t {
			flattenJSON(join(strconv.Itoa(i)), x, out, depth+1)
		}
	case string:
		out[prefix] = strVal(t)
	case json.Number:
		f, err := t.Float64()
		out[prefix] = qval{s: string(t), n: f, num: err == nil}
	case bool:
		out[prefix] = boolVal(t)
	}
}
