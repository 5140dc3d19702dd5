package logparse

import (
	"math/rand/v2"
	"testing"
)

// The scans that read eight bytes at a time agree with byte-by-byte ones.

// lowerASCII, eight bytes at a time, agrees with the byte table on every byte value and position.
func TestLowerASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		want := make([]byte, len(b))
		for i, c := range b {
			want[i] = lowerTable[c]
		}
		if got := lowerASCII(append([]byte(nil), b...)); string(got) != string(want) {
			t.Fatalf("%q: %q, want %q", b, got, want)
		}
	}
}

// nextSpecial, eight bytes at a time, finds the first quote or backslash as a byte-by-byte search does.
func TestNextSpecial(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte{'"', '\\', 'a', 0, 0x80, 0xff, '!', 0x22 ^ 0x80, 0x5c + 1}
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		from := 0
		if len(s) > 0 {
			from = r.IntN(len(s))
		}
		want := len(s)
		for i := from; i < len(s); i++ {
			if s[i] == '"' || s[i] == '\\' {
				want = i
				break
			}
		}
		if got := nextSpecial(s, from); got != want {
			t.Fatalf("nextSpecial(%q, %d) = %d, want %d", s, from, got, want)
		}
	}
}

// AppendUnescaped, which copies the runs between escapes at once, decodes as JSON does, byte for byte on valid
// escapes, and keeps invalid ones as written.
func TestAppendUnescaped(t *testing.T) {
	for in, want := range map[string]string{
		``:                          ``,
		`plain`:                     `plain`,
		`a\"b\\c\/d\n\t\r\b\f`:      "a\"b\\c/d\n\t\r\b\f",
		`\u00e9\u20ac\ud83d\ude00x`: "é€😀x",
		`\ud83dx`:                   "\uFFFDx",
		`\u12`:                      `\u12`,
		`\q`:                        `\q`,
		`end\`:                      `end\`,
		`{\"details\":\"x\"}`:       `{"details":"x"}`,
	} {
		if got := string(AppendUnescaped([]byte("<"), in)); got != "<"+want {
			t.Errorf("AppendUnescaped(%q) = %q, want %q", in, got, "<"+want)
		}
	}
}
