package collector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// member is one "key": value pair of a JSON object, as spans of the object's bytes: the whole
// member, and its value.
type member struct {
	key   []byte // between the quotes, escapes unresolved: names are compared as written, as the schemas decoder does
	whole []byte // from the key's opening quote to the value's end
	value []byte
}

// str returns the member's value as a string when it is a JSON string.
func (m member) str() (string, bool) {
	if len(m.value) == 0 || m.value[0] != '"' {
		return "", false
	}
	if inner := m.value[1 : len(m.value)-1]; bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(m.value, &s); err != nil {
		return "", false
	}
	return s, true
}

// errSyntax is the scanner's error for bytes that are not the JSON it expected.
var errSyntax = errors.New("not valid JSON")

// objectMembers splits the JSON object data into its top-level members. It checks the structure
// (quotes, brackets, commas, colons) but not every literal: the decoder that reads the event
// afterwards checks the rest.
func objectMembers(data []byte) ([]member, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: want an object", errSyntax)
	}
	out := make([]member, 0, 16)
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, fmt.Errorf("%w: want a key at byte %d", errSyntax, i)
		}
		start := i
		end, err := skipString(data, i)
		if err != nil {
			return nil, err
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: want ':' at byte %d", errSyntax, i)
		}
		i = skipSpace(data, i+1)
		vend, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, member{key: key, whole: data[start:vend], value: data[i:vend]})
		i = skipSpace(data, vend)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return out, trailing(data, i+1)
		default:
			return nil, fmt.Errorf("%w: want ',' or '}' at byte %d", errSyntax, i)
		}
	}
}

// arrayElements splits the JSON array data into its elements.
func arrayElements(data []byte) ([][]byte, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, fmt.Errorf("%w: want an array", errSyntax)
	}
	var out [][]byte
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return out, nil
	}
	for {
		end, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == ']':
			return out, nil
		default:
			return nil, fmt.Errorf("%w: want ',' or ']' at byte %d", errSyntax, i)
		}
	}
}

func trailing(data []byte, i int) error {
	if i = skipSpace(data, i); i < len(data) {
		return fmt.Errorf("%w: data after the object at byte %d", errSyntax, i)
	}
	return nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string opening at data[i].
func skipString(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			break
		}
		q := j + k
		escapes := 0
		for p := q - 1; p > i && data[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1, nil
		}
		j = q + 1
	}
	return 0, fmt.Errorf("%w: unterminated string at byte %d", errSyntax, i)
}

// skipValue returns the index after the value starting at data[i]: a string, an object or array
// (brackets matched, strings inside skipped), or a literal (number, true, false, null).
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, fmt.Errorf("%w: want a value at the end", errSyntax)
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		return skipNested(data, i)
	}
	j := i
	for j < len(data) && !endsLiteral(data[j]) {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: want a value at byte %d", errSyntax, i)
	}
	return j, nil
}

// endsLiteral reports whether c is the first byte after a number, true, false or null.
func endsLiteral(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func skipNested(data []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(data); j++ {
		k := bytes.IndexAny(data[j:], `"{}[]`)
		if k < 0 {
			break
		}
		j += k
		switch data[j] {
		case '"':
			end, err := skipString(data, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: unclosed %c at byte %d", errSyntax, data[i], i)
}
