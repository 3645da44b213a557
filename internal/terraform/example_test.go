package terraform

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
)

// TestClinicExample pins what the bundled example teaches: exactly its
// planted mistakes fail, and nothing is left unknown.
func TestClinicExample(t *testing.T) {
	s, err := Load(context.Background(), "../../examples/clinic-infra", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Errors) > 0 {
		t.Fatalf("errors: %v", s.Errors)
	}
	failing := map[string]bool{}
	for _, f := range Evaluate(s, "clinic-infra") {
		switch f.Status {
		case check.Fail:
			failing[f.Check+" "+f.Resource] = true
		case check.Unknown, check.Error:
			t.Errorf("%s on %s: %s: %s", f.Check, f.Resource, f.Status, f.Message)
		}
	}
	var got []string
	for k := range failing {
		got = append(got, k)
	}
	sort.Strings(got)
	want := []string{
		"terraform.aws.cloudtrail.log-validation aws_cloudtrail.main",
		"terraform.aws.elb.https-listener aws_lb_listener.http",
		"terraform.aws.elb.tls-policy aws_lb_listener.https",
		"terraform.aws.rds.cmk aws_db_instance.ehr",
		"terraform.aws.rds.encrypted aws_db_instance.ehr",
		"terraform.aws.s3.access-logging module.logs.aws_s3_bucket.this",
		"terraform.aws.s3.cmk module.logs.aws_s3_bucket.this",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failing checks (-want +got):\n%s", diff)
	}
}
