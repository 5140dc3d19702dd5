package cwlogs

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The parser of a small CloudWatch Logs Insights (CWLI) engine: tokens (insights_lex.go) to
// commands (insights_command.go).
//
// Supported commands: fields, display, filter, sort, limit, dedup, stats. Expressions:
// field references (incl. `quoted` names and dotted JSON paths), string/number
// literals, regexes /.../, = == != < <= > >=, like / not like (regex or substring),
// =~, in / not in [..], and / or / not, + - * / %, and the functions listed in
// scalarFuncs. Aggregates: count, count_distinct, sum, avg, min, max, latest,
// earliest, sortsFirst, sortsLast, pct. Anything else is MalformedQueryException
// naming the unsupported construct.

type qparser struct {
	src  string
	toks []qtok
	i    int
}

func (p *qparser) peek() qtok { return p.toks[p.i] }

func (p *qparser) next() qtok {
	t := p.toks[p.i]
	if t.kind != qEOF {
		p.i++
	}
	return t
}

func (p *qparser) errAt(t qtok, format string, args ...any) *malformed {
	end := t.end
	if end <= t.pos {
		end = t.pos + 1
	}
	return &malformed{fmt.Sprintf(format, args...), t.pos, end}
}

func (p *qparser) isOp(op string) bool {
	t := p.peek()
	return t.kind == qOp && t.text == op
}

func (p *qparser) isWord(w string) bool {
	t := p.peek()
	return t.kind == qIdent && !t.quoted && strings.EqualFold(t.text, w)
}

func (p *qparser) expectOp(op string) *malformed {
	if !p.isOp(op) {
		t := p.peek()
		return p.errAt(t, "expected %q but found %s", op, describeTok(t))
	}
	p.next()
	return nil
}

func describeTok(t qtok) string {
	switch t.kind {
	case qEOF:
		return "end of query"
	case qPipe:
		return "'|'"
	case qString:
		return fmt.Sprintf("string %q", t.text)
	case qRegex:
		return fmt.Sprintf("regex /%s/", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func parseQuery(q string) ([]qcmd, *malformed) {
	toks, m := lexQuery(q)
	if m != nil {
		return nil, m
	}
	p := &qparser{src: q, toks: toks}
	var cmds []qcmd
	afterDedup := false
	for {
		t := p.peek()
		if t.kind == qEOF {
			if len(cmds) == 0 {
				return nil, p.errAt(t, "the query is empty")
			}
			return cmds, nil
		}
		if t.kind != qIdent || t.quoted {
			return nil, p.errAt(t, "expected a command (fields, display, filter, sort, limit, dedup, stats) but found %s", describeTok(t))
		}
		p.next()
		name := strings.ToLower(t.text)
		if afterDedup && name != "limit" {
			return nil, p.errAt(t, "the only command allowed after dedup is limit")
		}
		var c qcmd
		switch name {
		case "fields", "display":
			items, m := p.parseNamedList(name == "display")
			if m != nil {
				return nil, m
			}
			c = fieldsCmd{items: items, display: name == "display"}
		case "filter":
			e, m := p.parseExpr()
			if m != nil {
				return nil, m
			}
			c = filterCmd{cond: e}
		case "sort":
			var keys []sortKey
			for {
				e, m := p.parseAdd()
				if m != nil {
					return nil, m
				}
				// UNCONFIRMED: the default direction when neither asc nor desc is given; ascending here.
				k := sortKey{e: e}
				if p.isWord("desc") {
					p.next()
					k.desc = true
				} else if p.isWord("asc") {
					p.next()
				}
				keys = append(keys, k)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			c = sortCmd{keys: keys}
		case "limit":
			nt := p.next()
			n, err := strconv.Atoi(nt.text)
			if nt.kind != qNumber || err != nil || n < 1 || n > 10000 {
				return nil, p.errAt(nt, "limit needs a whole number between 1 and 10000, found %s", describeTok(nt))
			}
			c = limitCmd{n: n}
		case "dedup":
			var fs []qexpr
			for {
				ft := p.next()
				if ft.kind != qIdent || (!ft.quoted && isKeyword(ft.text)) {
					return nil, p.errAt(ft, "dedup needs field names, found %s", describeTok(ft))
				}
				fs = append(fs, fieldRef{ft.text})
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			c = dedupCmd{fields: fs}
			afterDedup = true
		case "stats":
			sc, m := p.parseStats()
			if m != nil {
				return nil, m
			}
			c = sc
		case "parse", "unmask", "filterindex", "source", "pattern", "diff", "anomaly", "unnest", "lookup":
			return nil, p.errAt(t, "the %s command is not supported by the vpnlogs CloudWatch Logs sandbox", name)
		default:
			return nil, p.errAt(t, "unknown command %q", t.text)
		}
		cmds = append(cmds, c)
		nt := p.peek()
		switch nt.kind {
		case qEOF:
		case qPipe:
			p.next()
			if p.peek().kind == qEOF {
				return nil, p.errAt(p.peek(), "expected a command after '|'")
			}
		default:
			return nil, p.errAt(nt, "unexpected %s after the %s command", describeTok(nt), name)
		}
	}
}

// exprText is the query text of the tokens [from, p.i).
func (p *qparser) exprText(from int) string {
	if from >= p.i {
		return ""
	}
	return strings.TrimSpace(p.src[p.toks[from].pos:p.toks[p.i-1].end])
}

func (p *qparser) parseAlias() (string, *malformed) {
	if !p.isWord("as") {
		return "", nil
	}
	p.next()
	t := p.next()
	if t.kind != qIdent {
		return "", p.errAt(t, "expected a name after 'as', found %s", describeTok(t))
	}
	return t.text, nil
}

func (p *qparser) parseNamedList(fieldsOnly bool) ([]namedExpr, *malformed) {
	var out []namedExpr
	for {
		from := p.i
		e, m := p.parseAdd()
		if m != nil {
			return nil, m
		}
		name := p.exprText(from)
		if fr, ok := e.(fieldRef); ok {
			name = fr.name
		} else if fieldsOnly {
			return nil, p.errAt(p.toks[from], "display takes field names")
		}
		alias, m := p.parseAlias()
		if m != nil {
			return nil, m
		}
		if alias != "" {
			name = alias
		}
		out = append(out, namedExpr{name: name, e: e})
		if !p.isOp(",") {
			return out, nil
		}
		p.next()
	}
}

var aggFuncs = map[string]bool{
	"count": true, "count_distinct": true, "sum": true, "avg": true, "min": true, "max": true,
	"latest": true, "earliest": true, "sortsfirst": true, "sortslast": true, "pct": true,
}

func (p *qparser) parseStats() (statsCmd, *malformed) {
	var sc statsCmd
	for {
		from := p.i
		t := p.next()
		fn := strings.ToLower(t.text)
		if t.kind != qIdent || !aggFuncs[fn] || !p.isOp("(") {
			return sc, p.errAt(t, "stats needs an aggregate function (count, count_distinct, sum, avg, min, max, latest, earliest, sortsFirst, sortsLast, pct), found %s", describeTok(t))
		}
		p.next()
		a := aggSpec{fn: fn}
		switch {
		case fn == "count" && p.isOp("*"):
			p.next()
		case fn == "count" && p.isOp(")"):
		default:
			e, m := p.parseAdd()
			if m != nil {
				return sc, m
			}
			a.arg = e
			if fn == "pct" {
				if m := p.expectOp(","); m != nil {
					return sc, m
				}
				nt := p.next()
				v, err := strconv.ParseFloat(nt.text, 64)
				if nt.kind != qNumber || err != nil || v < 0 || v > 100 {
					return sc, p.errAt(nt, "pct needs a percentile between 0 and 100")
				}
				a.pct = v
			}
		}
		if m := p.expectOp(")"); m != nil {
			return sc, m
		}
		a.name = p.exprText(from)
		alias, m := p.parseAlias()
		if m != nil {
			return sc, m
		}
		if alias != "" {
			a.name = alias
		}
		sc.aggs = append(sc.aggs, a)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	if p.isWord("by") {
		p.next()
		by, m := p.parseNamedList(false)
		if m != nil {
			return sc, m
		}
		sc.by = by
	}
	return sc, nil
}

// Expressions, by precedence: or < and < not < comparison < additive < multiplicative < unary.

func (p *qparser) parseExpr() (qexpr, *malformed) {
	left, m := p.parseAnd()
	if m != nil {
		return nil, m
	}
	for p.isWord("or") {
		p.next()
		right, m := p.parseAnd()
		if m != nil {
			return nil, m
		}
		left = logicExpr{or: true, l: left, r: right}
	}
	return left, nil
}

func (p *qparser) parseAnd() (qexpr, *malformed) {
	left, m := p.parseNot()
	if m != nil {
		return nil, m
	}
	for p.isWord("and") {
		p.next()
		right, m := p.parseNot()
		if m != nil {
			return nil, m
		}
		left = logicExpr{l: left, r: right}
	}
	return left, nil
}

func (p *qparser) parseNot() (qexpr, *malformed) {
	if p.isWord("not") || p.isOp("!") {
		p.next()
		e, m := p.parseNot()
		if m != nil {
			return nil, m
		}
		return notExpr{e}, nil
	}
	return p.parseCmp()
}

func (p *qparser) parseCmp() (qexpr, *malformed) {
	left, m := p.parseAdd()
	if m != nil {
		return nil, m
	}
	negate := false
	if p.isWord("not") {
		// "not like" / "not in"
		save := p.i
		p.next()
		if !p.isWord("like") && !p.isWord("in") {
			p.i = save
			return left, nil
		}
		negate = true
	}
	t := p.peek()
	switch {
	case t.kind == qOp && (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		if negate {
			return nil, p.errAt(t, "unexpected %s after 'not'", describeTok(t))
		}
		p.next()
		right, m := p.parseAdd()
		if m != nil {
			return nil, m
		}
		op := t.text
		if op == "==" {
			op = "="
		}
		return cmpExpr{op: op, l: left, r: right}, nil
	case (t.kind == qIdent && strings.EqualFold(t.text, "like") && !t.quoted) || (t.kind == qOp && t.text == "=~"):
		if negate && t.kind == qOp {
			return nil, p.errAt(t, "unexpected %s after 'not'", describeTok(t))
		}
		p.next()
		pt := p.next()
		var re *regexp.Regexp
		switch pt.kind {
		case qRegex:
			r, err := regexp.Compile(pt.text)
			if err != nil {
				return nil, p.errAt(pt, "invalid regular expression /%s/: %v", pt.text, err)
			}
			re = r
		case qString:
			if t.text == "=~" {
				r, err := regexp.Compile(pt.text)
				if err != nil {
					return nil, p.errAt(pt, "invalid regular expression %q: %v", pt.text, err)
				}
				re = r
			} else {
				// like "text" is a substring match.
				re = regexp.MustCompile(regexp.QuoteMeta(pt.text))
			}
		default:
			return nil, p.errAt(pt, "expected a /regex/ or a string after %s, found %s", t.text, describeTok(pt))
		}
		return likeExpr{e: left, re: re, negate: negate}, nil
	case t.kind == qIdent && strings.EqualFold(t.text, "in") && !t.quoted:
		p.next()
		if m := p.expectOp("["); m != nil {
			return nil, m
		}
		var items []qexpr
		for !p.isOp("]") {
			e, m := p.parseAdd()
			if m != nil {
				return nil, m
			}
			items = append(items, e)
			if p.isOp(",") {
				p.next()
				continue
			}
			if !p.isOp("]") {
				return nil, p.errAt(p.peek(), "expected ',' or ']' in list, found %s", describeTok(p.peek()))
			}
		}
		p.next()
		return inExpr{e: left, items: items, negate: negate}, nil
	}
	if negate {
		return nil, p.errAt(t, "expected like or in after 'not'")
	}
	return left, nil
}

func (p *qparser) parseAdd() (qexpr, *malformed) {
	left, m := p.parseMul()
	if m != nil {
		return nil, m
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.next().text
		right, m := p.parseMul()
		if m != nil {
			return nil, m
		}
		left = arithExpr{op: op[0], l: left, r: right}
	}
	return left, nil
}

func (p *qparser) parseMul() (qexpr, *malformed) {
	left, m := p.parseUnary()
	if m != nil {
		return nil, m
	}
	for p.isOp("*") || p.isOp("/") || p.isOp("%") {
		op := p.next().text
		right, m := p.parseUnary()
		if m != nil {
			return nil, m
		}
		left = arithExpr{op: op[0], l: left, r: right}
	}
	return left, nil
}

func (p *qparser) parseUnary() (qexpr, *malformed) {
	if p.isOp("-") {
		p.next()
		e, m := p.parseUnary()
		if m != nil {
			return nil, m
		}
		return arithExpr{op: '-', l: literal{numVal(0)}, r: e}, nil
	}
	return p.parsePrimary()
}

func (p *qparser) parsePrimary() (qexpr, *malformed) {
	t := p.next()
	switch t.kind {
	case qOp:
		if t.text == "(" {
			e, m := p.parseExpr()
			if m != nil {
				return nil, m
			}
			if m := p.expectOp(")"); m != nil {
				return nil, m
			}
			return e, nil
		}
	case qString:
		return literal{strVal(t.text)}, nil
	case qNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, p.errAt(t, "invalid number %q", t.text)
		}
		v := numVal(f)
		v.s = t.text
		return literal{v}, nil
	case qRegex:
		return nil, p.errAt(t, "a regular expression can only follow like or =~")
	case qIdent:
		if !t.quoted && p.isOp("(") {
			return p.parseCall(t)
		}
		if !t.quoted && isKeyword(t.text) {
			return nil, p.errAt(t, "unexpected keyword %q", t.text)
		}
		return fieldRef{t.text}, nil
	}
	return nil, p.errAt(t, "unexpected %s", describeTok(t))
}

func (p *qparser) parseCall(name qtok) (qexpr, *malformed) {
	fn := strings.ToLower(name.text)
	p.next() // (
	if aggFuncs[fn] {
		return nil, p.errAt(name, "the aggregate function %s can only be used in stats", name.text)
	}
	var args []qexpr
	if fn == "bin" {
		t := p.next()
		d, ok := parseDuration(t.text)
		if t.kind != qNumber || !ok {
			return nil, p.errAt(t, "bin needs a period such as 5m, 1h or 30s, found %s", describeTok(t))
		}
		if m := p.expectOp(")"); m != nil {
			return nil, m
		}
		return binExpr{periodMs: d}, nil
	}
	for !p.isOp(")") {
		e, m := p.parseExpr()
		if m != nil {
			return nil, m
		}
		args = append(args, e)
		if p.isOp(",") {
			p.next()
			continue
		}
		if !p.isOp(")") {
			return nil, p.errAt(p.peek(), "expected ',' or ')' in the arguments of %s, found %s", name.text, describeTok(p.peek()))
		}
	}
	p.next()
	f, ok := scalarFuncs[fn]
	if !ok {
		return nil, p.errAt(name, "unknown or unsupported function %s", name.text)
	}
	if len(args) < f.minArgs || (f.maxArgs >= 0 && len(args) > f.maxArgs) {
		return nil, p.errAt(name, "wrong number of arguments for %s", name.text)
	}
	return callExpr{fn: f.fn, args: args}, nil
}

// parseDuration parses Insights periods: 100ms, 30s, 5m, 1h, 1d (and 1w).
func parseDuration(s string) (int64, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n <= 0 || n > 1e9 {
		return 0, false
	}
	unit := map[string]int64{"ms": 1, "s": 1000, "sec": 1000, "m": 60000, "min": 60000, "h": 3600000, "hr": 3600000, "d": 86400000, "w": 604800000}[strings.ToLower(s[i:])]
	if unit == 0 {
		return 0, false
	}
	return n * unit, true
}
