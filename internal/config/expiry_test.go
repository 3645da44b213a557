package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExpiryAt(t *testing.T) {
	last := date("2026-06-30")
	since := date("2026-07-01")
	tests := []struct {
		name string
		now  time.Time
		want Expiry
	}{
		{"a month before the last day it is live with the days left",
			time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC), Expiry{LapsesOn: since, Days: 31}},
		{"the day before the last day it has one day left",
			time.Date(2026, 6, 29, 23, 59, 0, 0, time.UTC), Expiry{LapsesOn: since, Days: 1}},
		{"on the last day it is live with no days left",
			time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Expiry{LapsesOn: since, Days: 0}},
		{"late on the last day it is still live",
			time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC), Expiry{LapsesOn: since, Days: 0}},
		{"on the first expired day it has expired zero days ago",
			time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Expiry{Expired: true, LapsesOn: since}},
		{"ten days later it counts ten days",
			time.Date(2026, 7, 11, 8, 0, 0, 0, time.UTC),
			Expiry{Expired: true, LapsesOn: since, Days: 10}},
		{"the calendar day of the clock's own zone decides",
			time.Date(2026, 7, 1, 1, 0, 0, 0, time.FixedZone("UTC+2", 2*3600)),
			Expiry{Expired: true, LapsesOn: since}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ExpiryAt(last, tt.now)); diff != "" {
				t.Errorf("ExpiryAt(%s, %s) mismatch (-want +got):\n%s", last, tt.now, diff)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-13-01", "2026-02-30", "26-01-01", "2026-01-01T00:00:00Z", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) succeeded", s)
		}
	}
	if d, err := ParseDate("2028-02-29"); err != nil || d.String() != "2028-02-29" {
		t.Errorf("ParseDate(2028-02-29) = %v, %v", d, err)
	}
}

func TestDateJSONIsADay(t *testing.T) {
	b, err := json.Marshal(Expiry{LapsesOn: date("2026-01-02")})
	if err != nil || string(b) != `{"expired":false,"lapses_on":"2026-01-02","days":0}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var e Expiry
	if err := json.Unmarshal(b, &e); err != nil || e.LapsesOn != date("2026-01-02") {
		t.Fatalf("json.Unmarshal = %+v, %v", e, err)
	}
	if err := json.Unmarshal([]byte(`{"lapses_on":"2026-01-02T00:00:00Z"}`), &e); err == nil {
		t.Error("json.Unmarshal accepted a timestamp")
	}
}
