package vpn

import (
	"reflect"
	"testing"
)

func TestStartedDeliveries(t *testing.T) {
	on := func(arn, format string) LogDestination {
		return LogDestination{Enabled: true, LogGroupARN: arn, OutputFormat: format}
	}
	cases := []struct {
		name       string
		prior, now Logging
		want       []Delivery
	}{
		{name: "nothing to nothing"},
		{
			name: "both logs turned on",
			now:  Logging{Activity: on(arnA, "json"), BGP: on(arnB, "text")},
			want: []Delivery{{LogTunnel, arnA}, {LogBGP, arnB}},
		},
		{
			name:  "BGP log turned on, tunnel log unchanged",
			prior: Logging{Activity: on(arnA, "json")},
			now:   Logging{Activity: on(arnA, "json"), BGP: on(arnA, "json")},
			want:  []Delivery{{LogBGP, arnA}},
		},
		{
			name:  "tunnel log moved to another group",
			prior: Logging{Activity: on(arnA, "json"), BGP: on(arnA, "json")},
			now:   Logging{Activity: on(arnB, "json"), BGP: on(arnA, "json")},
			want:  []Delivery{{LogTunnel, arnB}},
		},
		{
			name:  "only the spelling of the ARN changes",
			prior: Logging{Activity: on(arnA, "json"), BGP: on(arnB+":*", "json")},
			now:   Logging{Activity: on(arnA+":*", "json"), BGP: on(arnB, "json")},
		},
		{
			name:  "only the output format changes",
			prior: Logging{Activity: on(arnA, "json")},
			now:   Logging{Activity: on(arnA, "text")},
		},
		{
			name:  "turned off",
			prior: Logging{Activity: on(arnA, "json"), BGP: on(arnB, "json")},
		},
		{
			name:  "a disabled log's stale ARN does not count as delivering",
			prior: Logging{Activity: LogDestination{LogGroupARN: arnA}},
			now:   Logging{Activity: on(arnA, "json")},
			want:  []Delivery{{LogTunnel, arnA}},
		},
		{
			name: "the ARN is returned without :*",
			now:  Logging{BGP: on(arnB+":*", "json")},
			want: []Delivery{{LogBGP, arnB}},
		},
		{
			name: "an ARN not known yet starts nothing",
			now:  Logging{Activity: on("", "json")},
		},
	}
	for _, tc := range cases {
		if got := tc.now.StartedDeliveries(tc.prior); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: StartedDeliveries = %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
