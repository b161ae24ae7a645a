package llm

import (
	"encoding/json"
	"fmt"
)

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func fmtString(v any) string { return fmt.Sprint(v) }
