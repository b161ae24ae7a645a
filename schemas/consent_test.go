package schemas

import (
	"encoding/json"
	"testing"
)

// Consent is read from context.consent.categoryPreferences: any advertising category refused
// refuses, granted ones grant, other categories and absent preferences say nothing.
func TestDecodeConsent(t *testing.T) {
	f := func(context string, want Consent, rewritten bool) {
		t.Helper()
		e, err := DecodeEvent([]byte(`{"type":"track","event":"Product Viewed","userId":"u","messageId":"m",
			"timestamp":"2019-10-01T00:00:00Z","context":`+context+`,"properties":{"product_id":"p"}}`), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Context.Consent != want {
			t.Fatalf("%s: consent %d, want %d", context, e.Context.Consent, want)
		}
		if e.Rewrites.Has(RewriteFieldDropped) != rewritten {
			t.Fatalf("%s: field dropped %v, want %v", context, e.Rewrites.Has(RewriteFieldDropped), rewritten)
		}
		// encoding/json reads back what the decoder read.
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil || back.Context.Consent != want {
			t.Fatalf("%s: re-encoded as %s, read back %d (%v)", context, b, back.Context.Consent, err)
		}
	}
	f(`{}`, ConsentUnknown, false)
	f(`{"consent":{}}`, ConsentUnknown, false)
	f(`{"consent":{"categoryPreferences":{"Analytics":false}}}`, ConsentUnknown, false)
	f(`{"consent":{"categoryPreferences":{"Advertising":true,"Analytics":false}}}`, ConsentGranted, false)
	f(`{"consent":{"categoryPreferences":{"Advertising":false,"Analytics":true}}}`, ConsentRefused, false)
	f(`{"consent":{"categoryPreferences":{"Advertising":true,"marketing":false}}}`, ConsentRefused, false)
	f(`{"consent":{"categoryPreferences":{"Personalised Ads":false}}}`, ConsentRefused, false)
	f(`{"consent":{"categoryPreferences":{"Advertising":null}}}`, ConsentUnknown, false)
	f(`{"consent":{"categoryPreferences":{"Advertising":"no","Targeting":false}}}`, ConsentRefused, true)
	f(`{"consent":"yes","locale":"en"}`, ConsentUnknown, true)
}
