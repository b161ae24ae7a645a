package schemas

import (
	"encoding/binary"
	"testing"
)

func TestPlainWord(t *testing.T) {
	for c := range 256 {
		for k := range 8 {
			word := []byte("abcdefgh")
			word[k] = byte(c)
			got := plainWord(binary.LittleEndian.Uint64(word))
			if want := plainASCII[c]; got != want {
				t.Errorf("byte %#x at %d: plainWord %v, want %v", c, k, got, want)
			}
		}
	}
}
