package logfile

import (
	"bytes"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
)

// Form is how an input holds its events.
type Form uint8

// Input forms.
const (
	// FormLines is one event per line, as the log holds it: JSON or text (a subscription, a copy of messages).
	FormLines Form = iota + 1
	// FormExport is a CloudWatch Logs export to Amazon S3: "<ISO 8601 time> <event>" per line, usually gzip.
	FormExport
	// FormAWSCLI is the JSON that `aws logs filter-log-events` and `aws logs get-log-events` print, one page or
	// several concatenated.
	FormAWSCLI
)

func (f Form) String() string {
	switch f {
	case FormLines:
		return "event lines"
	case FormExport:
		return "S3 export"
	case FormAWSCLI:
		return "aws logs JSON"
	}
	return "unknown"
}

// cliKeys are the keys that open the JSON of aws logs filter-log-events and get-log-events (in the order of their
// response shapes, "events" comes first); an event record opens with none of them.
var cliKeys = []string{"events", "nextToken", "nextForwardToken", "nextBackwardToken", "searchedLogStreams"}

// detect tells the form of an input from its first bytes (at least its first line, when it has one).
func detect(head []byte) Form {
	s := skipBOM(head)
	s = s[skipSpace(s, 0):]
	if len(s) > 0 && s[0] == '{' {
		i := skipSpace(s, 1)
		if i < len(s) && s[i] == '"' {
			if end := bytes.IndexByte(s[i+1:], '"'); end >= 0 {
				key := string(s[i+1 : i+1+end])
				for _, k := range cliKeys {
					if key == k {
						return FormAWSCLI
					}
				}
			}
		}
		return FormLines
	}
	if n := exportPrefix(s); n > 0 && exportTime(string(s[:n])) != 0 {
		return FormExport
	}
	return FormLines
}

func skipBOM(s []byte) []byte { return bytes.TrimPrefix(s, []byte("\xef\xbb\xbf")) }

func skipSpace(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// exportPrefix returns the length of the time an export line starts with, "2025-11-08T05:40:29.641Z " (RFC 3339:
// a 'T' between date and time, then a fraction and a zone, then a space), space included; 0 when the line does not
// start so. The time is the event's CloudWatch Logs timestamp, read only for an event that carries no time of its
// own (exportTime).
//
// UNCONFIRMED: AWS documents the export, not its objects; the line (the event's timestamp, a space, the message) is
// taken from exported files as users show them (docs/design/aws-behaviour.md §6, §8 item 16).
func exportPrefix(s []byte) int {
	if len(s) < len("2006-01-02T15:04:05Z ") || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0
	}
	for i := 19; i < len(s) && i < 40; i++ {
		switch c := s[i]; {
		case c == ' ':
			return i + 1
		case c >= '0' && c <= '9', c == '.', c == 'Z', c == 'z', c == '+', c == '-', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// exportTime is the time of an export line's prefix (exportPrefix), in Unix milliseconds; 0 if it does not parse.
func exportTime(prefix string) int64 {
	t, n, ok := logparse.ParseTime(prefix)
	if !ok || n != len(prefix)-1 {
		return 0
	}
	return t.UnixMilli()
}
